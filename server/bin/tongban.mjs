#!/usr/bin/env node
// `npx tongban …`: the operator's CLI. TypeScript sources run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
