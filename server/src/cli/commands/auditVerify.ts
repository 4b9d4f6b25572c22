import type { CliCommand } from '../command';

export const auditVerifyCommand: CliCommand = {
  name: 'audit verify',
  usage: 'tongban audit verify [--data DIR]',
  summary: 'Check the hash chain of the audit ledger; names the first broken event (read-only: safe on a live server)',
  data: 'read-only',
  async run({ open }) {
    const ctx = open();
    try {
      const r = ctx.ledger.verify();
      if (r.ok) {
        console.log(`审计链完整 / audit chain intact: ${r.count} events, head ${r.head}`);
        return 0;
      }
      console.error(`审计链被破坏 / audit chain BROKEN at event seq ${r.firstBad}: ${r.reason}`);
      return 1;
    } catch (e) {
      console.error(`审计链无法读取 / audit chain unreadable: ${(e as Error).message}`);
      return 1;
    } finally {
      await ctx.close();
    }
  },
};
