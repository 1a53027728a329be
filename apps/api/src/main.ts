import 'reflect-metadata';
import { ConfigError, loadConfig } from './config.js';
import { createApp } from './create-app.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { app, logger, store } = await createApp(config);
  await app.listen(config.port, config.host);
  logger.entry('info', 'Kierto API listening', {
    url: `http://${config.host}:${config.port}`,
    docs: `http://${config.host}:${config.port}/docs`,
    store: store.kind,
    dataDir: store.kind === 'sqlite' ? config.dataDir : undefined,
  });
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `Configuration error: ${error.message}` : String(error);
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: message })}\n`);
  process.exit(1);
});
