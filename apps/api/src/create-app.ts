import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createEventStore } from '../../../libs/event-store/src/index.js';
import type { EventStore } from '../../../libs/event-store/src/port.js';
import { AppModule } from './app.module.js';
import type { ApiConfig } from './config.js';
import { ApiError } from './http/api-error.js';
import { ErrorFilter } from './http/error.filter.js';
import { JsonLogger } from './http/json-logger.js';
import { requestContext, requireJsonBody } from './http/request-context.js';

export interface CreatedApp {
  readonly app: INestApplication;
  readonly store: EventStore;
  readonly logger: JsonLogger;
}

/** Builds the whole HTTP application; main.ts listens on it, the API tests drive it with supertest. */
export async function createApp(config: ApiConfig, logger = new JsonLogger(config.logLevel)): Promise<CreatedApp> {
  const store = createEventStore({
    databaseUrl: config.databaseUrl ?? undefined,
    databaseSchema: config.databaseSchema,
    eventStoreUrl: config.eventStoreUrl ?? undefined,
    dataDir: config.dataDir,
  });
  await store.init();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.withStore(store, config), {
    logger,
    bodyParser: false,
  });
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  app.use(requestContext(logger));
  app.useBodyParser('json', { limit: config.bodyLimitBytes, type: 'application/json' });
  app.use(requireJsonBody);
  app.useGlobalFilters(new ErrorFilter(logger));
  // Query strings are validated by class-validator DTOs; bodies by JSON Schema (RequestBodyPipe).
  app.useGlobalPipes(
    new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      exceptionFactory: (errors) =>
        new ApiError(
          400,
          'VALIDATION_FAILED',
          'The query string is invalid',
          errors.map((error) => ({
            field: error.property,
            code: error.constraints?.['whitelistValidation'] !== undefined ? 'UNKNOWN_FIELD' : 'INVALID_VALUE',
            message: Object.values(error.constraints ?? {}).join('; '),
          })),
        ),
    }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setOpenAPIVersion('3.1.0')
      .setTitle('Kierto')
      .setDescription(
        'Event-sourced lifecycle histories of electrical and electronic devices. Every error answers ' +
          '`{ error: { status, code, message, fields?, correlationId } }`; see docs/api-errors.md.',
      )
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return { app, store, logger };
}
