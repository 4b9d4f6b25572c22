import { z } from 'zod';
import { ROLES } from '../roles';

export const LoginRequestSchema = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const PublicUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  officeId: z.string(),
});
export type PublicUser = z.infer<typeof PublicUserSchema>;
