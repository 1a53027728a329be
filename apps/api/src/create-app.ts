import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createAccessStore, type AccessStore } from '#kierto/access';
import { createEventStore } from '#kierto/event-store/configured';
import type { EventStore } from '#kierto/event-store';
import { AppModule } from './app.module.js';
import type { ApiConfig } from './config.js';
import { ApiError } from './http/api-error.js';
import { ErrorFilter } from './http/error.filter.js';
import { JsonLogger } from './http/json-logger.js';
import { LogContextInterceptor } from './http/log-context.js';
import { ApiMetrics, countingEventStore } from './metrics/metrics.js';
import { requestMetrics } from './metrics/metrics.module.js';
import { isFormPost, requestContext, requireJsonBody } from './http/request-context.js';
import { securityHeaders } from './http/security-headers.js';
import { requestSpans, startTracing, traceIdOf, TraceContextInterceptor } from './tracing/tracing.js';
import { checkJsonBodyBytes, TextRulePipe, wellFormedUrl } from './http/text-rule.js';

export interface CreatedApp {
  readonly app: INestApplication;
  readonly store: EventStore;
  readonly access: AccessStore;
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
  // Organisations and keys live beside the read models: PostgreSQL when configured, else dataDir.
  const access = createAccessStore({
    databaseUrl: config.databaseUrl ?? undefined,
    databaseSchema: config.databaseSchema,
    dataDir: config.dataDir,
  });
  await access.init();
  // One registry per application (docs/operations.md); the store counts the events this process appends.
  const metrics = new ApiMetrics();
  const counted = countingEventStore(store, (events) => metrics.countAppended(events));
  // Before Nest starts, so the projector's first page is traced; shut down with the app (TracingModule).
  const tracing = startTracing(config.tracing);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.withStores(counted, access, config, metrics, tracing),
    {
      logger,
      bodyParser: false,
      // Keeps the body's bytes beside the parsed body, for checkJsonBodyBytes (text-rule.ts).
      rawBody: true,
    },
  );
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  // The client address the per-address limits count (config.ts, docs/access.md).
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders);
  app.use(requestContext(logger, traceIdOf));
  // After requestContext: the server span carries the correlation id.
  app.use(requestSpans);
  app.use(requestMetrics(metrics));
  app.use(wellFormedUrl);
  app.useBodyParser('json', { limit: config.bodyLimitBytes, type: 'application/json' });
  // The pages' forms, only where they post (request-context.ts FORM_POST_PATHS); flat names, no
  // nesting by brackets: a field is named by its path in the JSON body (`cost.amount`).
  app.useBodyParser('urlencoded', { limit: config.bodyLimitBytes, type: isFormPost, extended: false });
  app.use(checkJsonBodyBytes);
  app.use(requireJsonBody);
  app.useGlobalFilters(new ErrorFilter(logger));
  // Every log line written while a route runs (commands, queries) carries its correlation id, and
  // the route's spans (a command's) are children of the request's server span.
  app.useGlobalInterceptors(new LogContextInterceptor(), new TraceContextInterceptor());
  // The text rule first, for every body, query and path parameter (text-rule.ts). Then query strings
  // and the administrative bodies (organisations, keys) are validated by class-validator DTOs; event
  // bodies by JSON Schema (RequestBodyPipe).
  app.useGlobalPipes(
    new TextRulePipe(),
    new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      exceptionFactory: (errors) =>
        new ApiError(
          400,
          'VALIDATION_FAILED',
          'The request is invalid',
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
          '`{ error: { status, code, message, fields?, correlationId } }`; see docs/api-errors.md. Every string (bodies, ' +
          'paths, query strings, import lines) is well-formed Unicode without NUL (400 INVALID_CHARACTER, INVALID_UTF8), ' +
          'and bodies nest at most 32 levels (400 NESTING_TOO_DEEP).\n\n' +
          'Authentication: `Authorization: Bearer kierto_<keyId>_<secret>`, an API key of an organisation. ' +
          'Only /health, the API docs and the public passport views answer without a key. An organisation ' +
          'has roles (producer, producer-organisation, collector, refurbisher, repairer, recycler, auditor, ' +
          'admin); each route names the permission it needs and the roles holding it (the 403 response). ' +
          'The actor recorded in every event comes from the key. People signed in through the pages ' +
          '(/sign-in) are authenticated by a session cookie instead, with their own roles; a request by ' +
          "cookie that changes something needs the session's CSRF token (X-CSRF-Token, else 403 " +
          'CSRF_TOKEN_MISSING or CSRF_TOKEN_INVALID). See docs/access.md.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'kierto_<keyId>_<secret>',
        description: 'An API key of your organisation, issued by an admin (POST /organisations/{id}/api-keys)',
      })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return { app, store, access, logger };
}
