import 'reflect-metadata';
import { ensureLocalAdmin, ensureLocalAdminPerson } from './access/local-admin.js';
import { ConfigError, loadConfig } from './config.js';
import { createApp } from './create-app.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { app, logger, store, access } = await createApp(config);
  // Quick start on the embedded store only: the first start writes an admin key to a 0600 file.
  // On PostgreSQL an operator creates the first admin with `npx kierto create-admin`.
  const keyFile = access.kind === 'sqlite' ? await ensureLocalAdmin(access, config.dataDir) : null;
  // The browser's way in on the quick start: a person account for the local admin (docs/access.md).
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const signIn =
    access.kind === 'sqlite'
      ? await ensureLocalAdminPerson(access, config.dataDir, config.publicUrl ?? `http://${shownHost}:${config.port}`)
      : null;
  await app.listen(config.port, config.host);
  logger.entry('info', 'Kierto API listening', {
    url: `http://${config.host}:${config.port}`,
    docs: `http://${config.host}:${config.port}/docs`,
    store: store.kind,
    dataDir: store.kind === 'sqlite' ? config.dataDir : undefined,
  });
  if (keyFile !== null) {
    logger.entry('info', 'Created the local admin organisation; its API key is in the key file (shown nowhere else)', {
      keyFile,
      try: `curl -H "Authorization: Bearer $(cat ${keyFile})" http://${config.host}:${config.port}/organisations`,
    });
  }
  if (signIn !== null) {
    logger.entry(
      'info',
      'To sign in the first time, open the link in the sign-in file; it sets the password of the local admin',
      {
        signInFile: signIn.file,
        email: signIn.email,
        try: `cat ${signIn.file}`,
      },
    );
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `Configuration error: ${error.message}` : String(error);
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: message })}\n`);
  process.exit(1);
});
