import { Module } from '@nestjs/common';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { WebhookLoops } from './webhook-loops.js';
import { WebhookQueue } from './webhook-queue.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/** Endpoints and deliveries for the API; the delivery service and loops for the worker. */
@Module({
  providers: [WebhooksRepository, WebhookQueue, WebhooksService, WebhookDeliveryService, WebhookLoops],
  exports: [WebhooksService, WebhookDeliveryService, WebhookLoops],
})
export class WebhooksModule {}
