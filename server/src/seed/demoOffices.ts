import type { Office, Role } from '@tongban/shared';

/**
 * Demo offices: two intake windows in Guangdong, two handling offices in other provinces, each with
 * the site that hosts it. Every site seeds this same registry, so all agree where a request goes.
 */
export const DEMO_OFFICES: Office[] = [
  {
    id: 'gd-sg-window',
    code: 'GD-SG',
    name: '韶关市政务服务中心跨省通办专窗',
    kind: 'intake',
    province: '广东省',
    city: '韶关市',
    siteId: 'gd',
    address: '广东省韶关市浈江区政务服务中心一楼 跨省通办专窗（演示）',
    phone: '0751-0000000（演示）',
  },
  {
    id: 'gd-sz-window',
    code: 'GD-SZ',
    name: '深圳市福田区政务服务中心跨省通办专窗',
    kind: 'intake',
    province: '广东省',
    city: '深圳市',
    siteId: 'gd',
    address: '广东省深圳市福田区政务服务中心二楼 跨省通办专窗（演示）',
    phone: '0755-0000000（演示）',
  },
  {
    id: 'hn-cs-office',
    code: 'HN-CS',
    name: '长沙市政务服务中心业务属地审批窗口',
    kind: 'handling',
    province: '湖南省',
    city: '长沙市',
    siteId: 'hn',
    address: '湖南省长沙市岳麓区政务服务中心三楼（演示）',
    phone: '0731-0000000（演示）',
  },
  {
    id: 'sc-cd-office',
    code: 'SC-CD',
    name: '成都市政务服务中心业务属地审批窗口',
    kind: 'handling',
    province: '四川省',
    city: '成都市',
    siteId: 'sc',
    address: '四川省成都市高新区政务服务中心二楼（演示）',
    phone: '028-0000000（演示）',
  },
];

/** The four documented demo logins, plus a second clerk and reviewer elsewhere so office checks can be tried. */
export const DEMO_USERS: Array<{ username: string; displayName: string; role: Role; officeId: string }> = [
  { username: 'clerk', displayName: '李窗口', role: 'clerk', officeId: 'gd-sg-window' },
  { username: 'reviewer', displayName: '王审核', role: 'reviewer', officeId: 'hn-cs-office' },
  { username: 'supervisor', displayName: '陈主管', role: 'supervisor', officeId: 'gd-sg-window' },
  { username: 'admin', displayName: '系统管理员', role: 'admin', officeId: 'gd-sg-window' },
  { username: 'clerk2', displayName: '张窗口', role: 'clerk', officeId: 'gd-sz-window' },
  { username: 'reviewer2', displayName: '刘审核', role: 'reviewer', officeId: 'sc-cd-office' },
  // The handling office's supervisor: second opinions on co-reviews, appeals against ratings.
  { username: 'supervisor2', displayName: '周主管', role: 'supervisor', officeId: 'hn-cs-office' },
];
