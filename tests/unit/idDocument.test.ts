import { describe, expect, it } from 'vitest';
import {
  checkIdDocument,
  CreateCaseRequestSchema,
  ID_DOCUMENTS,
  ID_TYPES,
  idNumberCheckChar,
  MASKED_ID_NUMBER,
  maskIdNumber,
  normalizeIdDocument,
  type IdType,
} from '@tongban/shared';
import { maskIdNumbersInText } from '@tongban/shared/cases/masking';
import { AGENT_MATERIALS, itemForCase, resultChannelsOf } from '@tongban/shared/catalog/caseItem';
import { DEMO_SERVICE_ITEMS } from '@tongban/shared/catalog/items';

const RESIDENT = '11010519491231002X';
/** A 2023 永居证 number: 9, province, nationality, birth date, sequence, and the MOD 11-2 check. */
const PERMANENT_2023 = `93315619900101001${idNumberCheckChar('93315619900101001')}`;

/** One valid number of every form each type accepts, and numbers it refuses with the problem it names. */
const CASES: Record<IdType, { valid: string[]; invalid: Array<[string, string]> }> = {
  'resident-id': {
    valid: [RESIDENT, '11010519491231002x'],
    invalid: [
      ['110105194912310021', 'checksum'],
      ['H12345678', 'format'],
    ],
  },
  'hk-macao-permit': {
    valid: ['H12345678', 'M87654321', 'h1234 5678', 'H123456789', 'H1234567801'],
    invalid: [
      ['H1234567', 'format'],
      ['H123456789012', 'format'],
      ['HA2345678', 'format'],
      ['12345678', 'prefix'],
      ['K12345678', 'prefix'],
      ['', 'format'],
    ],
  },
  'taiwan-permit': {
    valid: ['12345678', '1234567801(B)', '1234567801（B）', '12345678B', '1234567801B'],
    invalid: [
      ['1234567', 'format'],
      ['123456789', 'format'],
      ['H12345678', 'format'],
      ['1234567801(BB)', 'format'],
    ],
  },
  'foreign-permanent-id': {
    valid: ['USA110075001234', 'gbr 440090123456', PERMANENT_2023],
    invalid: [
      ['US1100750012345', 'format'],
      ['USA11007500123', 'format'],
      [RESIDENT, 'prefix'],
      [`${PERMANENT_2023.slice(0, 17)}${PERMANENT_2023[17] === '0' ? '1' : '0'}`, 'checksum'],
    ],
  },
};

describe('ID documents: each type its own format check', () => {
  for (const type of ID_TYPES) {
    it(`${ID_DOCUMENTS[type].name.zh}: accepts its forms, names the problem of a wrong one`, () => {
      for (const n of CASES[type].valid) expect(checkIdDocument(type, n), n).toEqual({ valid: true });
      for (const [n, problem] of CASES[type].invalid) expect(checkIdDocument(type, n), n).toEqual({ valid: false, problem });
      // Every problem it can name has words next to the field, in both languages.
      const spec = ID_DOCUMENTS[type];
      for (const [, problem] of CASES[type].invalid) {
        const text = spec.problems[problem as keyof typeof spec.problems] ?? spec.problems.format;
        expect(text.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(text.en).not.toMatch(/[\u3400-\u9fff]/);
      }
    });
  }

  it('catches every single-digit change of a 2023 永居证 number', () => {
    for (let i = 1; i < 17; i++) {
      const d = (Number(PERMANENT_2023[i]) + 1) % 10;
      expect(
        checkIdDocument('foreign-permanent-id', PERMANENT_2023.slice(0, i) + d + PERMANENT_2023.slice(i + 1)).valid,
        `digit ${i}`,
      ).toBe(false);
    }
  });

  it('normalises spaces, case and full-width brackets', () => {
    expect(normalizeIdDocument(' h1234 5678 ')).toBe('H12345678');
    expect(normalizeIdDocument('1234567801（b）')).toBe('1234567801(B)');
  });
});

describe('masking every type', () => {
  const masked: Array<[string, string]> = [
    [RESIDENT, '1101**********002X'],
    [PERMANENT_2023, `9331**********${PERMANENT_2023.slice(-4)}`],
    ['H12345678', 'H*****678'],
    ['M1234567801', 'M*******801'],
    ['12345678', '*****678'],
    ['1234567801(B)', '**********(B)'],
    ['USA110075001234', 'USA*********234'],
    ['123456', '******'],
  ];

  it('never shows the whole number, and what it shows is the only form another site may be sent', () => {
    for (const [full, m] of masked) {
      expect(maskIdNumber(full), full).toBe(m);
      expect(maskIdNumber(m), m).toBe(m);
      expect(m.replace(/\*/g, '').length, full).toBeLessThanOrEqual(Math.max(8, full.length / 2));
      if (full.length > 6) expect(MASKED_ID_NUMBER.test(m), m).toBe(true);
      expect(MASKED_ID_NUMBER.test(full), full).toBe(false);
    }
  });

  it('masks permit and 永居证 numbers typed into free text; a 台胞证 number where the text names the permit', () => {
    expect(maskIdNumbersInText('回乡证 H12345678 已核')).toBe('回乡证 H*****678 已核');
    expect(maskIdNumbersInText('永居证USA110075001234，本人到场')).toBe('永居证USA*********234，本人到场');
    expect(maskIdNumbersInText(`新版永居证 ${PERMANENT_2023}`)).toBe(`新版永居证 ${maskIdNumber(PERMANENT_2023)}`);
    expect(maskIdNumbersInText('台胞证号码：12345678 核对一致')).toBe('台胞证号码：*****678 核对一致');
    expect(maskIdNumbersInText('台湾居民来往大陆通行证1234567801(B)')).toBe('台湾居民来往大陆通行证**********(B)');
    // Eight bare digits elsewhere are dates and counts, not permits.
    for (const s of ['补正截止 20261201', '编号 12345678', 'sha 9f86d081884c7d659a2feaa0c55ad015']) expect(maskIdNumbersInText(s)).toBe(s);
    const once = maskIdNumbersInText('H12345678 台胞证 12345678 USA110075001234');
    expect(maskIdNumbersInText(once)).toBe(once);
  });
});

describe('the create request', () => {
  const applicant = { name: '张三', idNumber: RESIDENT, phone: '13800138000' };
  const address = {
    province: '广东省',
    city: '韶关市',
    district: '浈江区',
    detail: '解放路18号3栋201室',
    recipient: '张三',
    phone: '13800138000',
  };
  const agent = { name: '李四', idType: 'hk-macao-permit', idNumber: 'H12345678', phone: '13900139000', relation: 'spouse' };
  const issues = (body: unknown) => (CreateCaseRequestSchema.safeParse(body).error?.issues ?? []).map((i) => [i.path.join('.'), i.message]);

  it('takes every ID type, each number checked by its type, refused with its own code at its field', () => {
    for (const type of ID_TYPES) {
      const body = { itemCode: 'X', applicant: { ...applicant, idType: type, idNumber: CASES[type].valid[0] } };
      expect(CreateCaseRequestSchema.parse(body).applicant.idNumber).toBe(normalizeIdDocument(CASES[type].valid[0]!));
      const bad = { itemCode: 'X', applicant: { ...applicant, idType: type, idNumber: CASES[type].invalid[0]![0] } };
      expect(issues(bad)).toEqual([['applicant.idNumber', ID_DOCUMENTS[type].errorCode]]);
    }
    expect(new Set(ID_TYPES.map((type) => ID_DOCUMENTS[type].errorCode)).size).toBe(ID_TYPES.length);
    // The resident ID stays the default type, as older clients send no type.
    expect(CreateCaseRequestSchema.parse({ itemCode: 'X', applicant }).applicant.idType).toBe('resident-id');
  });

  it('checks the agent as the applicant, and refuses an agent who is the applicant', () => {
    expect(CreateCaseRequestSchema.parse({ itemCode: 'X', applicant, agent }).agent).toEqual(agent);
    expect(issues({ itemCode: 'X', applicant, agent: { ...agent, idNumber: 'H1234' } })).toEqual([
      ['agent.idNumber', 'HK_MACAO_PERMIT_INVALID'],
    ]);
    expect(issues({ itemCode: 'X', applicant, agent: { ...agent, relation: 'boss' } }).map(([p]) => p)).toEqual(['agent.relation']);
    expect(issues({ itemCode: 'X', applicant, agent: { ...agent, idType: 'resident-id', idNumber: RESIDENT.toLowerCase() } })).toEqual([
      ['agent.idNumber', 'AGENT_IS_APPLICANT'],
    ]);
  });

  it('needs the mailing address for EMS only', () => {
    expect(issues({ itemCode: 'X', applicant, resultChannel: 'ems' })).toEqual([['mailingAddress', 'MAILING_ADDRESS_REQUIRED']]);
    expect(issues({ itemCode: 'X', applicant, resultChannel: 'ems', mailingAddress: address })).toEqual([]);
    expect(issues({ itemCode: 'X', applicant, resultChannel: 'window' })).toEqual([]);
    expect(issues({ itemCode: 'X', applicant, resultChannel: 'ems', mailingAddress: { ...address, detail: '' } }).map(([p]) => p)).toEqual([
      'mailingAddress.detail',
    ]);
    expect(issues({ itemCode: 'X', applicant, resultChannel: 'pigeon' }).map(([p]) => p)).toEqual(['resultChannel']);
  });
});

describe('the item as a case needs it', () => {
  const item = DEMO_SERVICE_ITEMS.find((i) => i.code === 'TB-SBK-SL')!;

  it('adds the 授权委托书 and the agent’s ID, both required, for an agent case only', () => {
    expect(itemForCase(item, { applicant: { idType: 'resident-id' } })).toEqual(item);
    const withAgent = itemForCase(item, { applicant: { idType: 'resident-id' }, agent: {} });
    expect(withAgent.materials.slice(0, item.materials.length)).toEqual(item.materials);
    const added = withAgent.materials.slice(item.materials.length);
    expect(added.map((m) => [m.code, m.required])).toEqual([
      ['AGENT_AUTHORIZATION', true],
      ['AGENT_ID', true],
    ]);
    expect(added[0]!.name).toContain('授权委托书');
    expect(AGENT_MATERIALS.every((m) => !m.precheckRules.includes('id-card-front'))).toBe(true);
  });

  it('asks for the applicant’s own document in the ID card slots, without reading it as a resident card', () => {
    const hk = itemForCase(item, { applicant: { idType: 'hk-macao-permit' } });
    const [front, back] = hk.materials.filter((m) => m.code.startsWith('ID_CARD_'));
    expect([front!.code, front!.name, front!.nameEn]).toEqual([
      'ID_CARD_FRONT',
      '申请人港澳居民来往内地通行证（正面）',
      'Applicant’s Mainland Travel Permit for Hong Kong and Macao Residents (front)',
    ]);
    expect(back!.name).toBe('申请人港澳居民来往内地通行证（背面）');
    for (const slot of [front!, back!]) {
      expect(slot.required).toBe(true);
      expect(slot.precheckRules).toEqual(['legibility', 'resolution', 'blank-page']);
    }
    // The other slots are as the catalogue has them.
    expect(hk.materials.filter((m) => !m.code.startsWith('ID_CARD_'))).toEqual(
      item.materials.filter((m) => !m.code.startsWith('ID_CARD_')),
    );
  });

  it('reads the ways of receiving the result from the catalogue’s wording', () => {
    const channels = Object.fromEntries(DEMO_SERVICE_ITEMS.map((i) => [i.code, resultChannelsOf(i)]));
    expect(channels['TB-SBK-SL']).toEqual(['window', 'ems']);
    expect(channels['TB-GJJ-ZY']).toEqual(['online']);
    expect(channels['TB-JSZ-BL']).toEqual(['ems']);
    expect(resultChannelsOf({ resultDelivery: [] })).toEqual(['window']);
  });
});
