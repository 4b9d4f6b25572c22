import type { CliCommand } from '../command';
import { seedDemo } from '../../seed/demoSeed';

export const seedCommand: CliCommand = {
  name: 'seed',
  usage: 'tongban seed [--data DIR]',
  summary: 'Create the demo offices, accounts and catalog in an empty data directory',
  async run({ open }) {
    const ctx = open();
    try {
      const r = await seedDemo(ctx, ctx.config.DEMO_PASSWORD);
      if (!r.seeded) console.log('已有数据，未重复初始化 / already seeded; nothing changed');
      else console.log(`演示数据已创建 / demo data created. Logins: clerk, reviewer, supervisor, admin — password: ${r.password}`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
