export * from './errors';
export * from './roles';
export * from './validators/idNumber';
export * from './validators/uscc';
export * from './cases/stateMachine';
export * from './cases/workdays';
export * from './catalog/types';
export * from './schemas/auth';
