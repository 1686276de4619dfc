import { Injectable, Logger } from '@nestjs/common';
import { type AppConfig, AppError, encryptSecret, InjectConfig, newId, newWebhookSecret, type Page, type PageRequest, type TenantId, toPage } from '@app/common';
import { isForbiddenHostLiteral } from './ssrf.js';
import { WebhookQueue } from './webhook-queue.js';
import { type DeliveryStatus, type DeliveryView, type EndpointView, toDeliveryView, toEndpointView } from './webhook.types.js';
import { WebhooksRepository } from './webhooks.repository.js';

export interface CreateEndpointInput {
  url: string;
  events: string[];
  description?: string;
}

/** How long a manual retry waits for its job to be queued before answering anyway. */
const ENQUEUE_WAIT_MS = 1_500;

@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly queue: WebhookQueue,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The secret is in this answer only; it is stored encrypted. */
  async create(tenantId: TenantId, input: CreateEndpointInput): Promise<EndpointView & { secret: string }> {
    const url = new URL(input.url);
    if (!this.config.webhook.allowPrivateNetworks && isForbiddenHostLiteral(url.hostname)) {
      throw AppError.validation([{ field: 'url', issue: 'must not point to a loopback, private or reserved address' }]);
    }
    const secret = newWebhookSecret();
    const endpoint = await this.repo.createEndpoint(tenantId, {
      id: newId('whk'),
      url: input.url,
      events: [...new Set(input.events)],
      description: input.description ?? null,
      secretCiphertext: encryptSecret(this.config.webhook.secretKey, secret),
      createdAt: new Date(),
    });
    return { ...toEndpointView(endpoint), secret };
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Page<EndpointView>> {
    return toPage(await this.repo.listEndpoints(tenantId, page), page.limit, (e) => e.id, toEndpointView);
  }

  async delete(tenantId: TenantId, id: string): Promise<void> {
    if (!(await this.repo.deleteEndpoint(tenantId, id))) throw AppError.notFound('webhook');
  }

  async deliveries(tenantId: TenantId, endpointId: string, status: DeliveryStatus | undefined, page: PageRequest): Promise<Page<DeliveryView>> {
    await this.requireEndpoint(tenantId, endpointId);
    return toPage(await this.repo.listDeliveries(tenantId, endpointId, status, page), page.limit, (d) => d.id, toDeliveryView);
  }

  /** One more attempt, now (a failed delivery gets room for exactly one). */
  async retry(tenantId: TenantId, endpointId: string, deliveryId: string): Promise<DeliveryView> {
    await this.requireEndpoint(tenantId, endpointId);
    const delivery = await this.repo.findDelivery(tenantId, endpointId, deliveryId);
    if (!delivery) throw AppError.notFound('delivery');
    if (delivery.status === 'succeeded') throw AppError.conflict('the delivery already succeeded');
    if (!(await this.repo.scheduleManualRetry(tenantId, deliveryId))) throw AppError.conflict('the delivery changed meanwhile; retry');
    // The change in PostgreSQL is the retry: the sweeper re-drives it from there. The job only makes it
    // sooner, and while Redis is away BullMQ's commands wait for it indefinitely: the answer does not.
    await this.enqueueBriefly(this.queue.ensure(deliveryId, delivery.attempts + 1));
    return toDeliveryView((await this.repo.findDelivery(tenantId, endpointId, deliveryId))!);
  }

  private async enqueueBriefly(enqueue: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.logger.warn('the queue did not answer; the sweeper will re-drive the delivery', { waited_ms: ENQUEUE_WAIT_MS });
        resolve();
      }, ENQUEUE_WAIT_MS);
    });
    try {
      await Promise.race([enqueue.catch((err: unknown) => this.logger.warn('could not queue the retry; the sweeper will', { error: String(err) })), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async requireEndpoint(tenantId: TenantId, id: string): Promise<void> {
    if (!(await this.repo.findEndpoint(tenantId, id))) throw AppError.notFound('webhook');
  }
}
