import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, TenantId } from '@app/common';
import { type DeliveryView, type EndpointView, WebhooksService } from '@app/webhooks';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { PageQueryDto } from '../dto/page.dto.js';
import { CreateWebhookDto, DeliveriesQueryDto, DeliveryDto, DeliveryPageDto, WebhookCreatedDto, WebhookPageDto } from '../dto/webhook.dto.js';
import { ApiBodyErrors, ApiErrors } from '../http/api-errors.decorator.js';

const DELIVERY_DOC = `
Each event is POSTed to every endpoint subscribed to its type, as
\`{ "id": "evt_…", "type", "created_at", "tenant_id", "data" }\` with the headers
\`X-Wowsino-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>\`,
\`X-Wowsino-Event\` and \`X-Wowsino-Delivery\`. Any 2xx within WEBHOOK_TIMEOUT_MS (10 s) is success;
anything else — another status, a timeout, a refused connection, a redirect (never followed) — is
retried, re-signed with a fresh \`t\`, with the same body and event id. Default schedule after the first
attempt: 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 12 h (10 attempts over about 27.7 hours), each
delay plus up to 20% jitter; WEBHOOK_RETRY_DELAYS_SECONDS replaces it. Then the delivery is \`failed\` and
can be retried by hand. Delivery is at least once (dedupe on the event \`id\`) and **order is not
promised**. Unless WEBHOOK_ALLOW_PRIVATE_NETWORKS=true, loopback, private, link-local, CGNAT, multicast,
reserved and cloud-metadata addresses are refused, checked on the address actually connected to.`;

@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Access('admin')
  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Subscribe an endpoint to events (the secret is shown once)', description: DELIVERY_DOC.trim() })
  @ApiCreatedResponse({ type: WebhookCreatedDto })
  @ApiBodyErrors()
  create(@CurrentTenant() tenant: TenantId, @Body() dto: CreateWebhookDto): Promise<EndpointView & { secret: string }> {
    return this.webhooks.create(tenant, dto.toInput());
  }

  @Access('server')
  @Get()
  @ApiOperation({ summary: 'List endpoints (never their secrets), newest first' })
  @ApiOkResponse({ type: WebhookPageDto })
  @ApiErrors(400)
  list(@CurrentTenant() tenant: TenantId, @Query() query: PageQueryDto): Promise<Page<EndpointView>> {
    return this.webhooks.list(tenant, query.toPageRequest('whk'));
  }

  @Access('admin')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint; its pending deliveries are given up' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  delete(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<void> {
    return this.webhooks.delete(tenant, id);
  }

  @Access('server')
  @Get(':id/deliveries')
  @ApiOperation({ summary: "An endpoint's deliveries with every attempt, newest first; ?status=pending|succeeded|failed" })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiErrors(400, 404)
  deliveries(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Query() query: DeliveriesQueryDto): Promise<Page<DeliveryView>> {
    return this.webhooks.deliveries(tenant, id, query.status, query.toPageRequest('dlv'));
  }

  @Access('admin')
  @Post(':id/deliveries/:delivery_id/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Retry a delivery now',
    description:
      'A failed delivery gets one more attempt; a pending one is attempted now. 409 if it already succeeded. ' +
      'The retry is recorded in the database: it answers even while the queue (Redis) is unreachable, and the worker picks the delivery up from the database.',
  })
  @ApiAcceptedResponse({ type: DeliveryDto })
  @ApiErrors(404, 409)
  retry(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Param('delivery_id') deliveryId: string): Promise<DeliveryView> {
    return this.webhooks.retry(tenant, id, deliveryId);
  }
}
