import fs from 'node:fs';
import path from 'node:path';
import { AppError, isAppError } from '@tongban/shared';
import { SLOT_PRESETS, type SlotPreset } from '@tongban/shared/precheck/slots';
import { applyCorrections, evaluateMaterial, findingKey } from '@tongban/shared/precheck/rules';
import { meanConfidence, wordCount } from '@tongban/shared/precheck/layout';
import { verdictOf, type MaterialSlotRules } from '@tongban/shared/precheck/types';
import { loadConfig } from '../../config/config';
import { createLogger } from '../../logger';
import { OcrPool } from '../../precheck/OcrPool';
import { recognizeMaterial } from '../../precheck/recognizeMaterial';
import { limitsFromConfig } from '../../precheck/limits';
import type { CliCommand } from '../command';
import { chinaDate } from '@tongban/shared/cases/chinaTime';

const KINDS = Object.keys(SLOT_PRESETS) as SlotPreset[];

/** `tongban precheck FILE… --kind …`: the pre-check of scans on this machine, without a case. */
export const precheckCommand: CliCommand = {
  name: 'precheck',
  usage: `tongban precheck FILE... --kind ${KINDS.join('|')} [--name 张三 --id-number … --company … --uscc … --required 标签,标签 --date YYYY-MM-DD]`,
  summary: 'OCR pre-check of scanned files; prints fields (confidence, boxes) and findings as JSON',
  options: {
    kind: { type: 'string' },
    name: { type: 'string' },
    'id-number': { type: 'string' },
    company: { type: 'string' },
    uscc: { type: 'string' },
    required: { type: 'string' },
    date: { type: 'string' },
  },
  async run({ values, positionals }) {
    const kind = values.kind as string | undefined;
    if (!kind || !KINDS.includes(kind as SlotPreset)) {
      console.error(`--kind is required: one of ${KINDS.join(', ')}`);
      return 2;
    }
    if (positionals.length === 0) {
      console.error('Name at least one file to check.');
      return 2;
    }
    const preset = SLOT_PRESETS[kind as SlotPreset];
    const required = (values.required as string | undefined)
      ?.split(/[,，]/)
      .map((s) => s.trim())
      .filter(Boolean);
    const requiredFields = required ?? ('requiredFields' in preset ? [...preset.requiredFields] : undefined);
    const slot: MaterialSlotRules = { kind: preset.kind, rules: [...preset.rules], ...(requiredFields ? { requiredFields } : {}) };
    const intakeDate = (values.date as string | undefined) ?? chinaDate(new Date());

    const config = loadConfig();
    const log = createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr as never);
    const pool = new OcrPool({ size: 1, langPath: config.ocrDataDir, timeoutMs: config.OCR_JOB_TIMEOUT_MS, log });
    let failed = 0;
    const results: unknown[] = [];
    try {
      await pool.start();
      for (const file of positionals) {
        try {
          let bytes: Buffer;
          try {
            bytes = fs.readFileSync(file);
          } catch (e) {
            throw new AppError('NOT_FOUND', { zh: `无法读取文件 ${file}`, en: `Cannot read ${file}: ${(e as Error).message}` });
          }
          const r = await recognizeMaterial(pool, bytes, slot, { limits: limitsFromConfig(config) });
          const fields = applyCorrections(r.fields, []);
          const findings = evaluateMaterial({
            slot,
            pages: r.pages,
            fields,
            intakeDate,
            expectations: {
              ...(values.name ? { applicantName: values.name as string } : {}),
              ...(values['id-number'] ? { applicantIdNumber: values['id-number'] as string } : {}),
              ...(values.company ? { companyName: values.company as string } : {}),
              ...(values.uscc ? { uscc: values.uscc as string } : {}),
            },
          });
          results.push({
            file: path.resolve(file),
            kind,
            verdict: verdictOf(findings),
            pages: r.pages.map((p) => ({
              index: p.index,
              width: p.width,
              height: p.height,
              dpi: p.dpi,
              rotationDeg: p.rotationDeg,
              meanConfidence: Math.round(meanConfidence(p.lines)),
              words: wordCount(p.lines),
              hash: p.hash,
            })),
            fields,
            findings: findings.map((f) => ({ key: findingKey(f), ...f })),
          });
        } catch (e) {
          failed++;
          const err = isAppError(e)
            ? { code: e.code, message_zh: e.message_zh, message_en: e.message_en, details: e.details }
            : { code: 'INTERNAL', message_en: String(e) };
          console.error(`${file}: ${isAppError(e) ? `${e.code} — ${e.message_zh} / ${e.message_en}` : String(e)}`);
          results.push({ file: path.resolve(file), error: err });
        }
      }
    } finally {
      await pool.close();
    }
    console.log(JSON.stringify(positionals.length === 1 ? results[0] : results, null, 2));
    return failed ? 1 : 0;
  },
};
