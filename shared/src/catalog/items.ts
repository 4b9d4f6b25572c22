import type { MaterialSpec, PrecheckRule, ServiceItem } from './types';

/**
 * 跨省通办事项清单 (demo catalog): high-frequency items received at the Guangdong windows and
 * handled in Hunan (hn-cs-office) or Sichuan (sc-cd-office). Seeded into `service_items`.
 */

export const SCAN_RULES: PrecheckRule[] = ['legibility', 'resolution', 'blank-page'];
const CARD_RULES: PrecheckRule[] = [...SCAN_RULES, 'material-kind'];

/** 居民身份证 正面 (人像面) and 反面 (国徽面): two slots, so each scan is checked against its own side. */
const WHOSE_EN: Record<'申请人' | '法定代表人' | '驾驶人', string> = {
  申请人: 'Applicant’s',
  法定代表人: 'Legal representative’s',
  驾驶人: 'Driver’s',
};

function idCardSlots(whose: '申请人' | '法定代表人' | '驾驶人' = '申请人'): MaterialSpec[] {
  return [
    {
      code: 'ID_CARD_FRONT',
      name: `${whose}居民身份证（人像面）`,
      nameEn: `${WHOSE_EN[whose]} ID card (photo side)`,
      kind: 'id-card',
      originalByCourier: false,
      copies: 1,
      pages: 1,
      required: true,
      precheckRules: [...CARD_RULES, 'id-card-front'],
    },
    {
      code: 'ID_CARD_BACK',
      name: `${whose}居民身份证（国徽面）`,
      nameEn: `${WHOSE_EN[whose]} ID card (national emblem side)`,
      kind: 'id-card',
      originalByCourier: false,
      copies: 1,
      pages: 1,
      required: true,
      precheckRules: [...CARD_RULES, 'id-card-back'],
    },
  ];
}

/** A material's name: Chinese as printed, and English for the English desk. */
type Names = [zh: string, en: string];

function form(
  code: string,
  [name, nameEn]: Names,
  requiredFields: string[],
  opts: { originalByCourier?: boolean; pages?: number } = {},
): MaterialSpec {
  return {
    code,
    name,
    nameEn,
    kind: 'application-form',
    originalByCourier: opts.originalByCourier ?? true,
    copies: 1,
    pages: opts.pages ?? 1,
    required: true,
    precheckRules: [...SCAN_RULES, 'required-fields'],
    requiredFields,
  };
}

function supportingDocument(
  code: string,
  [name, nameEn]: Names,
  kind: MaterialSpec['kind'],
  opts: { originalByCourier?: boolean; pages?: number; required?: boolean; copies?: number } = {},
): MaterialSpec {
  return {
    code,
    name,
    nameEn,
    kind,
    originalByCourier: opts.originalByCourier ?? false,
    copies: opts.copies ?? 1,
    pages: opts.pages ?? 1,
    required: opts.required ?? true,
    precheckRules: [...SCAN_RULES, 'duplicate-page'],
  };
}

const TONGBAN_BASIS = '《国务院办公厅关于加快推进政务服务“跨省通办”的指导意见》（国办发〔2020〕35号）';

export const DEMO_SERVICE_ITEMS: ServiceItem[] = [
  {
    code: 'TB-SBK-SL',
    name: '社会保障卡申领',
    nameEn: 'Social security card application',
    type: '公共服务',
    handlingOfficeId: 'hn-cs-office',
    legalBasis: `《中华人民共和国社会保险法》第五十八条；《社会保障卡管理办法》（人社部发〔2011〕47号）；${TONGBAN_BASIS}`,
    conditions: '参保地在湖南省长沙市、尚未申领或需换领第三代社会保障卡的参保人员，本人或委托代理人凭有效身份证件申请。',
    timeLimitDays: 10,
    fee: '首次申领不收费',
    resultDelivery: ['邮政EMS寄递', '收件窗口领取'],
    materials: [
      ...idCardSlots(),
      form(
        'SBK_FORM',
        ['社会保障卡申领登记表', 'Social security card application form'],
        ['姓名', '公民身份号码', '联系电话', '参保地', '通讯地址'],
      ),
      {
        code: 'PHOTO',
        name: '近期免冠彩色证件照（白底，358×441像素以上）',
        nameEn: 'Recent colour photo, bareheaded, white background (at least 358×441 pixels)',
        kind: 'other',
        originalByCourier: false,
        copies: 1,
        pages: 1,
        required: true,
        precheckRules: ['resolution', 'blank-page'],
      },
    ],
  },
  {
    code: 'TB-YLBX-ZY',
    name: '企业职工基本养老保险关系转移接续',
    nameEn: 'Transfer of an employee’s basic pension insurance',
    type: '公共服务',
    handlingOfficeId: 'hn-cs-office',
    legalBasis: `《中华人民共和国社会保险法》第十九条；《城镇企业职工基本养老保险关系转移接续暂行办法》（国办发〔2009〕66号）；${TONGBAN_BASIS}`,
    conditions: '在湖南省长沙市参加企业职工基本养老保险、现于广东省就业参保，需将养老保险关系转入新参保地的人员。',
    timeLimitDays: 15,
    fee: '不收费',
    resultDelivery: ['邮政EMS寄递', '收件窗口领取', '短信告知办理结果'],
    materials: [
      ...idCardSlots(),
      form(
        'TRANSFER_FORM',
        ['基本养老保险关系转移接续申请表', 'Pension insurance transfer application form'],
        ['姓名', '公民身份号码', '转出地', '转入地', '联系电话'],
      ),
      supportingDocument(
        'CONTRIBUTION_CERT',
        ['参保缴费凭证（转出地社保经办机构出具）', 'Record of contributions (issued by the social insurance agency of origin)'],
        'certificate',
        { originalByCourier: true },
      ),
    ],
  },
  {
    code: 'TB-HK-QY',
    name: '户口迁移（迁入地“一站式”办理）',
    nameEn: 'Household registration transfer (one stop, at the destination)',
    type: '行政确认',
    handlingOfficeId: 'sc-cd-office',
    legalBasis: `《中华人民共和国户口登记条例》第十条、第十三条；${TONGBAN_BASIS}`,
    conditions: '符合四川省成都市户口迁入政策（投靠、就业、购房落户等），由迁入地公安机关审批后直接办理迁出手续，无需回迁出地开具准迁证。',
    timeLimitDays: 20,
    fee: '不收费',
    resultDelivery: ['邮政EMS寄递', '收件窗口领取'],
    materials: [
      ...idCardSlots(),
      {
        code: 'HOUSEHOLD_REGISTER',
        name: '居民户口簿（户主页及本人页）',
        nameEn: 'Household register (head-of-household page and own page)',
        kind: 'household-register',
        originalByCourier: true,
        copies: 1,
        pages: 2,
        required: true,
        precheckRules: [...SCAN_RULES, 'material-kind', 'duplicate-page'],
      },
      form(
        'MIGRATION_FORM',
        ['户口迁移申请表', 'Household registration transfer application form'],
        ['姓名', '公民身份号码', '迁出地址', '迁入地址', '迁移原因'],
      ),
      supportingDocument(
        'SETTLEMENT_PROOF',
        [
          '落户依据材料（房屋产权证明、劳动合同或亲属关系证明）',
          'Grounds for settling (property deed, employment contract or proof of kinship)',
        ],
        'certificate',
        { pages: 2 },
      ),
    ],
  },
  {
    code: 'TB-GJJ-ZY',
    name: '住房公积金异地转移接续',
    nameEn: 'Housing provident fund transfer to another city',
    type: '公共服务',
    handlingOfficeId: 'sc-cd-office',
    legalBasis: '《住房公积金管理条例》（国务院令第262号，2019年修订）第十四条；《全国住房公积金异地转移接续业务操作规程》',
    conditions: '在四川省成都市缴存住房公积金，现在广东省新就业单位缴存，且转出地账户已封存的职工。',
    timeLimitDays: 15,
    fee: '不收费',
    resultDelivery: ['短信告知办理结果', '电子回执'],
    materials: [
      ...idCardSlots(),
      form(
        'GJJ_FORM',
        ['住房公积金异地转移接续申请表', 'Provident fund transfer application form'],
        ['姓名', '公民身份号码', '转出公积金中心', '原个人账号', '转入公积金中心'],
      ),
    ],
  },
  {
    code: 'TB-YYZZ-BG',
    name: '企业变更登记（营业执照变更）',
    nameEn: 'Company change registration (business licence change)',
    type: '行政许可',
    handlingOfficeId: 'hn-cs-office',
    legalBasis:
      '《中华人民共和国市场主体登记管理条例》（国务院令第746号）第二十四条；《中华人民共和国市场主体登记管理条例实施细则》（国家市场监督管理总局令第52号）',
    conditions:
      '登记机关为湖南省长沙市市场监督管理局的有限责任公司，变更名称、住所、法定代表人、经营范围或注册资本，自作出变更决议之日起30日内申请。',
    timeLimitDays: 3,
    fee: '不收费',
    resultDelivery: ['邮政EMS寄递', '收件窗口领取', '电子营业执照'],
    materials: [
      ...idCardSlots('法定代表人'),
      {
        code: 'BUSINESS_LICENCE',
        name: '营业执照（正本或副本）',
        nameEn: 'Business licence (original or duplicate)',
        kind: 'business-licence',
        originalByCourier: true,
        copies: 1,
        pages: 1,
        required: true,
        precheckRules: [...SCAN_RULES, 'material-kind', 'business-licence'],
      },
      form(
        'CHANGE_FORM',
        ['公司变更登记申请书', 'Company change registration application'],
        ['企业名称', '统一社会信用代码', '变更事项', '变更前内容', '变更后内容', '法定代表人签字'],
        {
          pages: 2,
        },
      ),
      supportingDocument('RESOLUTION', ['股东会决议或股东决定', 'Shareholders’ resolution or decision'], 'other', {
        originalByCourier: true,
        pages: 2,
      }),
    ],
  },
  {
    code: 'TB-SY-DJ',
    name: '失业登记',
    nameEn: 'Unemployment registration',
    type: '公共服务',
    handlingOfficeId: 'hn-cs-office',
    legalBasis:
      '《中华人民共和国就业促进法》第四十二条；《失业保险条例》（国务院令第258号）；《就业服务与就业管理规定》（劳动和社会保障部令第28号）第六十一条',
    conditions: '法定劳动年龄内、有劳动能力、有就业要求、处于无业状态，户籍或常住地在湖南省长沙市的城乡劳动者。',
    timeLimitDays: 5,
    fee: '不收费',
    resultDelivery: ['短信告知办理结果', '收件窗口领取'],
    materials: [
      ...idCardSlots(),
      form(
        'UNEMPLOYMENT_FORM',
        ['失业登记表', 'Unemployment registration form'],
        ['姓名', '公民身份号码', '户籍地址', '原工作单位', '失业时间', '联系电话'],
      ),
      supportingDocument('TERMINATION_CERT', ['解除或终止劳动合同证明', 'Proof that the employment contract ended'], 'certificate', {
        originalByCourier: true,
      }),
    ],
  },
  {
    code: 'TB-YDJY-BA',
    name: '异地就医登记备案',
    nameEn: 'Registration for medical treatment in another province',
    type: '公共服务',
    handlingOfficeId: 'sc-cd-office',
    legalBasis: '《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》（医保发〔2022〕22号）',
    conditions: '参加四川省成都市基本医疗保险，长期居住或工作在广东省的异地安置退休人员、异地长期居住人员、常驻异地工作人员。',
    timeLimitDays: 3,
    fee: '不收费',
    resultDelivery: ['短信告知办理结果', '电子回执'],
    materials: [
      ...idCardSlots(),
      form(
        'FILING_FORM',
        ['跨省异地就医登记备案表', 'Cross-province medical treatment registration form'],
        ['姓名', '公民身份号码', '参保地', '就医地', '备案类型', '联系电话'],
      ),
      supportingDocument(
        'RESIDENCE_PROOF',
        [
          '异地长期居住或工作证明（居住证、工作证明等，可承诺制）',
          'Proof of living or working there long-term (residence permit, employer’s letter; a written pledge is accepted)',
        ],
        'certificate',
        { required: false },
      ),
    ],
  },
  {
    code: 'TB-JSZ-BL',
    name: '机动车驾驶证补领',
    nameEn: 'Replacement driving licence',
    type: '行政许可',
    handlingOfficeId: 'sc-cd-office',
    legalBasis: '《中华人民共和国道路交通安全法》第十九条；《机动车驾驶证申领和使用规定》（公安部令第162号）',
    conditions: '驾驶证核发地为四川省成都市，驾驶证遗失，且不在记分满分、暂扣、撤销、吊销或注销状态的驾驶人。',
    timeLimitDays: 1,
    fee: '工本费10元（按四川省价格主管部门核定标准收取）',
    resultDelivery: ['邮政EMS寄递'],
    materials: [
      ...idCardSlots('驾驶人'),
      form(
        'LICENCE_FORM',
        ['机动车驾驶证申请表', 'Driving licence application form'],
        ['姓名', '公民身份号码', '准驾车型', '档案编号', '申请事项', '联系电话'],
      ),
      {
        code: 'PHOTO',
        name: '近期白底免冠彩色照片（32mm×22mm）',
        nameEn: 'Recent colour photo, bareheaded, white background (32 mm × 22 mm)',
        kind: 'other',
        originalByCourier: false,
        copies: 1,
        pages: 1,
        required: true,
        precheckRules: ['resolution', 'blank-page'],
      },
    ],
  },
  {
    code: 'TB-JYCY-SL',
    name: '就业创业证申领',
    nameEn: 'Employment and entrepreneurship certificate application',
    type: '公共服务',
    handlingOfficeId: 'hn-cs-office',
    legalBasis:
      '《就业服务与就业管理规定》（劳动和社会保障部令第28号）；《人力资源社会保障部关于进一步完善就业失业登记管理办法的通知》（人社部发〔2014〕97号）',
    conditions: '已在湖南省长沙市办理就业或失业登记的劳动者，本人申领或换领《就业创业证》。',
    timeLimitDays: 5,
    fee: '不收费',
    resultDelivery: ['邮政EMS寄递', '收件窗口领取'],
    materials: [
      ...idCardSlots(),
      form(
        'JYCY_FORM',
        ['《就业创业证》申领登记表', 'Employment and entrepreneurship certificate application form'],
        ['姓名', '公民身份号码', '户籍地址', '常住地址', '就业状态'],
      ),
    ],
  },
];
