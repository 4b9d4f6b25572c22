/** socket.io rooms of the default namespace, joined at connection (realtime/index.ts). */
export const officeRoom = (officeId: string) => `office:${officeId}`;
export const roleRoom = (role: string) => `role:${role}`;
export const userRoom = (userId: string) => `user:${userId}`;
