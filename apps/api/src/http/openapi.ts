import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

const DESCRIPTION = `
The WOWsino engagement API. JSON in and out; every amount is an integer number of **millis**
(1 unit = 1000 millis); timestamps are RFC 3339.

**Auth.** \`Authorization: Bearer <key>\`. Keys have the scope \`server\` (players, events, opens, reads) or
\`admin\` (everything, plus configuration). Missing or unknown key: 401 \`unauthorized\`; valid key, wrong
scope: 403 \`forbidden\`; another tenant's object: 404 \`not_found\`. \`/v1/platform/*\` takes the platform
key (PLATFORM_API_KEY) and answers 404 when it is unset.

**Idempotency.** Every operator write is idempotent on a key it supplies. The first call answers 201
(executions 202); a replay with the same payload answers 200 with a body equal to the first answer and
\`Idempotent-Replayed: true\`, forever; the same key with another payload is 422
\`idempotency_key_reused\`; concurrent duplicates have exactly one effect, each answering the first
answer or 409 \`conflict\`.

**Bodies.** Unknown fields are refused, nothing is coerced (a numeric string is not a number; an amount
written as a float is refused even when its value is whole: \`1000.0\`, \`1e3\`), and an
optional field is either left out or given a value: \`null\` is not "absent" and is refused like any
ill-typed value. One 400 \`validation_failed\` names every offending field.

**Errors.** Every error is \`{ "error": { "code", "message", "details"? }, "request_id" }\`. Bodies must be
\`application/json\` (else 415 \`unsupported_media_type\`) and at most BODY_LIMIT_BYTES (else 413
\`payload_too_large\`). Every response carries \`X-Request-Id\` (the caller's, when it sent a well-formed one:
1–128 of \`A-Z a-z 0-9 . _ : -\`).

**Lists.** \`?limit=\` (default 50, max 500) and \`?cursor=\`; answer \`{ "data": [...], "next_cursor": "…" | null }\`.
`;

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('WOWsino engagement API')
    .setVersion('1')
    .setDescription(DESCRIPTION.trim())
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'tenant API key (server or admin scope)' }, 'apiKey')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'PLATFORM_API_KEY' }, 'platform')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs, the OpenAPI 3 document at /docs-json. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
