// drizzle-kit settings: `npx drizzle-kit generate` writes SQL migrations into drizzle/ from src/schema.ts.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
  dbCredentials: {
    url: process.env.DATABASE_URL ?? 'postgres://reply_sync@127.0.0.1:54329/reply_sync',
  },
});
