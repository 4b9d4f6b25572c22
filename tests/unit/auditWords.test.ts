import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASE_ACTIONS } from '@tongban/shared';
import { AUDIT_ACTIONS, auditSentence, type AuditNames } from '@tongban/shared/audit/auditActions';

const serverSrc = path.resolve(import.meta.dirname, '../../server/src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The arguments of the call whose `(` is at `open`, split at the top-level commas. */
function callArgs(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '/' && text[i + 1] === '/') i = text.indexOf('\n', i);
    else if (ch === '/' && text[i + 1] === '*') i = text.indexOf('*/', i) + 1;
    else if (ch === "'" || ch === '`') {
      i = text.indexOf(ch, i + 1);
      if (i < 0) break;
    } else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth === 0) return [...args, text.slice(start, i).trim()];
    else if (ch === ',' && depth === 1) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  throw new Error(`unbalanced call at ${text.slice(open - 30, open + 60)}`);
}

/**
 * What the server writes to the ledger, read from its sources: the action argument of every
 * `ledger.append(` / `ledger.record(` call (and of the outbox's `change(`, which appends for it).
 * A literal is collected; anything else must be one of the known computed ones.
 */
function serverActions(): { literals: Set<string>; computed: string[] } {
  const literals = new Set<string>();
  const computed: string[] = [];
  for (const file of sources(serverSrc)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:ledger\.(?:append|record)|this\.change)\(/g)) {
      const arg = callArgs(text, m.index + m[0].length - 1)[1] ?? '';
      const literal = /^'([^']+)'$/.exec(arg);
      if (literal) literals.add(literal[1]!);
      else computed.push(`${path.relative(serverSrc, file)}: ${arg}`);
    }
  }
  return { literals, computed };
}

const names: AuditNames = {
  siteName: (id) => ({ hn: '湖南省站点', gd: '广东省站点' })[id] ?? `站点 ${id}`,
  slotName: (code) => ({ zh: `材料${code}`, en: `material ${code}` }),
};
const CJK = /[\u4e00-\u9fff]/;

describe('audit trail words', () => {
  it('has words for every action the server writes, and none for actions it does not', () => {
    const { literals, computed } = serverActions();
    // The only computed action names: a transition's `case.<action>` and the outbox's own literals, passed through.
    expect(computed.sort()).toEqual(['cases/CaseService.ts: `case.${action}`', 'federation/siteOutbox.ts: action']);
    expect(literals.size).toBeGreaterThan(30);
    const written = [...literals, ...CASE_ACTIONS.map((a) => `case.${a}`)];
    expect(written.filter((a) => !AUDIT_ACTIONS.includes(a as never))).toEqual([]);
    expect(AUDIT_ACTIONS.filter((a) => !written.includes(a)).sort()).toEqual([]);
  });

  it('says every action as a Chinese and an English sentence, even when the details are missing', () => {
    for (const action of AUDIT_ACTIONS) {
      for (const details of [{}, { note: '申请人要求', reason: '原件核对无误', slotCode: 'ID_CARD_FRONT', fileName: 'a.png' }]) {
        const w = auditSentence({ action, details }, names);
        expect(w, action).toBeDefined();
        expect(w!.zh, action).toMatch(CJK);
        // English words (the names of sites and slots stay Chinese).
        expect(w!.en, action).toMatch(/[A-Za-z]{3,}/);
        expect(`${w!.zh} ${w!.en}`, action).not.toMatch(/undefined|null|NaN|\[object|\{|":/);
      }
    }
  });

  it('reads the details people need instead of showing them raw', () => {
    const say = (action: string, details: Record<string, unknown>) => auditSentence({ action, details }, names);
    expect(say('review.identity_check', { sessionId: 's1', step: 'id_back', passed: true })).toEqual({
      zh: '身份核验“身份证背面”：通过',
      en: 'Identity check “ID card back”: passed',
    });
    expect(say('review.identity_check', { step: 'face_match', passed: false, note: '不像本人' })?.zh).toBe(
      '身份核验“人证比对”：未通过（备注：不像本人）',
    );
    expect(say('case.withdraw', { from: 'draft', to: 'withdrawn', note: '申请人不再办理' })?.zh).toBe(
      '登记申请人撤回申请（原因：申请人不再办理）',
    );
    expect(say('case.hand_off', { mode: 'online', peerSite: 'hn' })?.zh).toBe('网上转递至湖南省站点');
    expect(say('case.hand_off', { mode: 'courier', courierCompany: '顺丰速运', waybillNo: 'SF1234567890' })?.en).toBe(
      'Handed off by courier (顺丰速运, waybill SF1234567890)',
    );
    expect(say('case.rate', { level: 2, channel: 'phone' })?.zh).toBe('申请人用手机评价：不满意');
    expect(say('material.uploaded', { slotCode: 'ID_CARD_FRONT', fileName: 'id-front.png' })?.zh).toBe(
      '收取材料“材料ID_CARD_FRONT”：id-front.png',
    );
    // An instant in a sentence is China time.
    expect(say('review.applicant_link_issued', { expiresAt: '2026-12-01T20:46:33.887Z' })?.zh).toBe(
      '生成申请人手机入会二维码（2026-12-02 04:46 前有效）',
    );
    expect(say('review.accepted', { waitingSeconds: 300 })?.zh).toBe('接单，开始视频会审（申请人等待约 5 分钟）');
  });

  it('leaves an action it does not know (a newer peer’s) to the caller', () => {
    expect(auditSentence({ action: 'future.thing', details: {} }, names)).toBeUndefined();
  });
});
