import { idNumberCheckChar } from '@tongban/shared';
import { usccCheckChar } from '@tongban/shared/validators/uscc';

/**
 * A made-up but internally consistent applicant for demos: a resident ID number with a correct
 * GB 11643 checksum whose region, birth date and sex agree with the card's other fields.
 */
export interface DemoApplicant {
  name: string;
  sex: '男' | '女';
  ethnicity: string;
  /** YYYY-MM-DD */
  birth: string;
  idNumber: string;
  phone: string;
  /** 户籍地址, in the handling office's province (where the record lives). */
  address: string;
  /** Where they live now, near the Guangdong intake window. */
  currentAddress: string;
  idCard: { authority: string; validFrom: string; validTo: string };
  hometown: { province: string; city: string; district: string };
}

export interface DemoCompany {
  name: string;
  uscc: string;
  legalRep: string;
  address: string;
}

type Random = () => number;

interface District {
  code: string;
  province: string;
  city: string;
  district: string;
  streets: string[];
  police: string;
}

/** Districts by handling office: a case handled in Changsha belongs to someone registered there. */
const DISTRICTS: Record<string, District[]> = {
  'hn-cs-office': [
    {
      code: '430104',
      province: '湖南省',
      city: '长沙市',
      district: '岳麓区',
      streets: ['麓山南路', '桐梓坡路', '枫林三路'],
      police: '长沙市公安局岳麓分局',
    },
    {
      code: '430102',
      province: '湖南省',
      city: '长沙市',
      district: '芙蓉区',
      streets: ['五一大道', '韶山北路', '八一路'],
      police: '长沙市公安局芙蓉分局',
    },
    {
      code: '430103',
      province: '湖南省',
      city: '长沙市',
      district: '天心区',
      streets: ['书院路', '劳动西路', '湘府中路'],
      police: '长沙市公安局天心分局',
    },
  ],
  'sc-cd-office': [
    {
      code: '510107',
      province: '四川省',
      city: '成都市',
      district: '武侯区',
      streets: ['科华北路', '玉林南路', '人民南路四段'],
      police: '成都市公安局武侯区分局',
    },
    {
      code: '510105',
      province: '四川省',
      city: '成都市',
      district: '青羊区',
      streets: ['宽巷子', '西御街', '清江中路'],
      police: '成都市公安局青羊区分局',
    },
    {
      code: '510104',
      province: '四川省',
      city: '成都市',
      district: '锦江区',
      streets: ['春熙路', '东大街', '水碾河路'],
      police: '成都市公安局锦江区分局',
    },
  ],
};

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '罗', '谭'];
const GIVEN_M = ['建国', '志强', '伟', '浩然', '俊杰', '国平', '文斌', '明辉', '子轩', '海峰'];
const GIVEN_F = ['秀英', '丽娟', '静', '婷婷', '雅琴', '晓燕', '慧敏', '欣怡', '春梅', '玉兰'];
const GD_ADDRESSES = ['广东省韶关市浈江区解放路', '广东省韶关市武江区沿江路', '广东省深圳市福田区深南大道', '广东省深圳市福田区福华三路'];

const pick = <T>(rand: Random, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (rand: Random, min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function demoApplicant(handlingOfficeId: string, today: Date, rand: Random = Math.random): DemoApplicant {
  const d = pick(rand, DISTRICTS[handlingOfficeId] ?? DISTRICTS['hn-cs-office']!);
  const sex = rand() < 0.5 ? '男' : '女';
  const year = int(rand, 1962, 2000);
  const birth = `${year}-${pad(int(rand, 1, 12))}-${pad(int(rand, 1, 28))}`;
  // Order code: odd for men, even for women (GB 11643).
  const order = int(rand, 0, 499) * 2 + (sex === '男' ? 1 : 0);
  const first17 = `${d.code}${birth.replaceAll('-', '')}${pad(order, 3)}`;
  // Validity by age at issue: 16–25 → 10 years, 26–45 → 20 years, 46+ → 长期.
  const issuedYear = Math.max(year + 16, today.getUTCFullYear() - int(rand, 1, 8));
  const issueAge = issuedYear - year;
  const validFrom = `${issuedYear}.${pad(int(rand, 1, 12))}.${pad(int(rand, 1, 28))}`;
  const validTo = issueAge >= 46 ? '长期' : `${issuedYear + (issueAge <= 25 ? 10 : 20)}${validFrom.slice(4)}`;
  return {
    name: pick(rand, SURNAMES) + pick(rand, sex === '男' ? GIVEN_M : GIVEN_F),
    sex,
    ethnicity: '汉',
    birth,
    idNumber: first17 + idNumberCheckChar(first17),
    phone: `1${pick(rand, ['38', '39', '58', '59', '86', '87', '77'])}${pad(int(rand, 0, 99_999_999), 8)}`,
    address: `${d.province}${d.city}${d.district}${pick(rand, d.streets)}${int(rand, 1, 399)}号${int(rand, 1, 12)}栋${int(rand, 1, 30)}0${int(rand, 1, 4)}室`,
    currentAddress: `${pick(rand, GD_ADDRESSES)}${int(rand, 1, 299)}号`,
    idCard: { authority: d.police, validFrom, validTo },
    hometown: { province: d.province, city: d.city, district: d.district },
  };
}

/** GB 11714 organisation code check character over the 8-character body. */
function orgCodeCheckChar(body: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const sum = [...body].reduce((s, c, i) => s + chars.indexOf(c) * weights[i]!, 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** A limited company registered where the case is handled, with a valid GB 32100 code. */
export function demoCompany(applicant: DemoApplicant, regionCode: string, rand: Random = Math.random): DemoCompany {
  const body = pad(int(rand, 10_000_000, 99_999_999), 8);
  // 9 = 市场监管 (工商) registration, 1 = enterprise, then the 6-digit region and the 9-character org code.
  const first17 = `91${regionCode}${body}${orgCodeCheckChar(body)}`;
  const brand = pick(rand, ['湘江云帆', '麓谷星辰', '锦城智造', '天府青禾', '橘洲数联']);
  const trade = pick(rand, ['科技', '信息技术', '商贸', '文化传媒']);
  return {
    name: `${applicant.hometown.city.replace('市', '')}${brand}${trade}有限公司`,
    uscc: first17 + usccCheckChar(first17),
    legalRep: applicant.name,
    address: applicant.address,
  };
}
