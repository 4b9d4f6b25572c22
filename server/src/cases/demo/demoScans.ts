import sharp from 'sharp';
import type { MaterialSpec, ServiceItem } from '@tongban/shared';
import type { Bbox } from '@tongban/shared/precheck/types';
import {
  ID_CARD_FRONT_PORTRAIT,
  renderBusinessLicence,
  renderFormPage,
  renderHouseholdRegisterPage,
  renderIdCardBack,
  renderIdCardFront,
} from '../../demo/scanRenderer';
import type { DemoApplicant, DemoCompany } from './demoApplicant';

export interface DemoScan {
  fileName: string;
  bytes: Buffer;
  /** What the scan prints, row by row, each label and value apart: what a recogniser should read off it. */
  printed: string[][];
  /** Where an ID card front's portrait is, in pixels of `bytes`. */
  portrait?: Bbox;
}

export interface DemoScanSubject {
  item: ServiceItem;
  applicant: DemoApplicant;
  company?: DemoCompany | undefined;
  /** YYYY-MM-DD, the day the forms are signed. */
  today: string;
}

/** A generated scan of what the applicant brought for this slot, matching the case's data. */
export async function renderDemoScan(slot: MaterialSpec, s: DemoScanSubject): Promise<DemoScan> {
  const a = s.applicant;
  const file = (bytes: Buffer, printed: string[][], portrait?: Bbox): DemoScan => ({
    fileName: `${slot.name.replace(/[（）()《》“”]/g, '')}.png`,
    bytes,
    printed,
    ...(portrait ? { portrait } : {}),
  });
  const [by, bm, bd] = a.birth.split('-').map(Number);
  const birth = `${by}年${bm}月${bd}日`;
  if (slot.precheckRules.includes('id-card-front')) {
    const { name, sex, ethnicity, address, idNumber } = a;
    return file(
      await renderIdCardFront({ name, sex, ethnicity, birth: a.birth, address, idNumber }),
      [
        ['姓名', name],
        ['性别', sex, '民族', ethnicity],
        ['出生', birth],
        ['住址', address],
        ['公民身份号码', idNumber],
      ],
      ID_CARD_FRONT_PORTRAIT,
    );
  }
  if (slot.precheckRules.includes('id-card-back')) {
    const { authority, validFrom, validTo } = a.idCard;
    return file(await renderIdCardBack(a.idCard), [
      ['中华人民共和国'],
      ['居民身份证'],
      ['签发机关', authority],
      ['有效期限', [validFrom, validTo].map((d) => d.replaceAll('-', '.')).join('-')],
    ]);
  }
  if (slot.kind === 'business-licence') {
    const co = s.company;
    if (!co) throw new Error(`slot ${slot.code} needs a company`);
    const licence = { ...co, type: '有限责任公司（自然人独资）', capital: '伍拾万元整', established: '2019年03月18日' };
    return file(await renderBusinessLicence(licence), [
      ['统一社会信用代码'],
      [co.uscc],
      ['营业执照'],
      ['名称', co.name],
      ['类型', licence.type],
      ['法定代表人', co.legalRep],
      ['注册资本', licence.capital],
      ['住所', co.address],
    ]);
  }
  if (slot.kind === 'household-register') {
    const place = `${a.hometown.province}${a.hometown.city}`;
    return file(
      await renderHouseholdRegisterPage({
        name: a.name,
        relation: '户主',
        sex: a.sex,
        ethnicity: a.ethnicity,
        birth: a.birth,
        birthplace: place,
        nativePlace: place,
        idNumber: a.idNumber,
        address: a.address,
      }),
      [
        ['常住人口登记卡'],
        ['姓名', a.name, '户主或与户主关系', '户主'],
        ['性别', a.sex, '民族', a.ethnicity],
        ['出生地', place, '出生日期', birth],
        ['籍贯', place],
        ['公民身份号码', a.idNumber],
        ['住址', a.address],
      ],
    );
  }
  if (slot.code === 'PHOTO') return file(await renderPortrait(), []);
  const labels = slot.requiredFields ?? ['姓名', '公民身份号码', '出具单位', '出具日期'];
  const fields = labels.map((label): [string, string] => [label, fieldValue(label, s)]);
  return file(await renderFormPage({ title: slot.name, fields }), [[slot.name], ...fields, ['申请人（签字）：', '年', '月', '日']]);
}

/** What an applicant would write next to each label of the catalog's forms. */
function fieldValue(label: string, s: DemoScanSubject): string {
  const a = s.applicant;
  const home = `${a.hometown.province}${a.hometown.city}`;
  const values: Record<string, string> = {
    姓名: a.name,
    公民身份号码: a.idNumber,
    联系电话: a.phone,
    户籍地址: a.address,
    通讯地址: a.currentAddress,
    常住地址: a.currentAddress,
    参保地: home,
    转出地: home,
    转入地: '广东省韶关市',
    迁出地址: a.address,
    迁入地址: `${home}${a.hometown.district}（集体户）`,
    迁移原因: '投靠亲属',
    转出公积金中心: `${s.item.handlingOfficeId === 'sc-cd-office' ? '成都' : '长沙'}住房公积金管理中心`,
    原个人账号: `${a.idNumber.slice(6, 14)}01`,
    转入公积金中心: '韶关市住房公积金管理中心',
    原工作单位: `${a.hometown.city}某商贸有限公司`,
    失业时间: `${s.today.slice(0, 7)}-01`,
    就医地: '广东省韶关市',
    备案类型: '异地长期居住人员',
    准驾车型: 'C1',
    档案编号: `${a.idNumber.slice(2, 6)}${a.idNumber.slice(-6)}`,
    申请事项: '遗失补证',
    就业状态: '已就业',
    出具单位: `${home}社会保险事业管理局`,
    出具日期: s.today,
    企业名称: s.company?.name ?? '',
    统一社会信用代码: s.company?.uscc ?? '',
    变更事项: '住所',
    变更前内容: s.company?.address ?? '',
    变更后内容: `${home}${a.hometown.district}新址大道88号`,
    法定代表人签字: a.name,
  };
  return values[label] ?? '已填写';
}

/** A white-background ID photo stand-in: head and shoulders silhouette. */
async function renderPortrait(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="390" height="567">
    <rect width="100%" height="100%" fill="#ffffff"/>
    <ellipse cx="195" cy="220" rx="95" ry="120" fill="#c9a88c"/>
    <path d="M40 567 Q60 380 195 370 Q330 380 350 567 Z" fill="#28344a"/>
    <path d="M100 170 Q195 60 290 170 Q280 110 195 95 Q110 110 100 170 Z" fill="#1d1d1d"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
