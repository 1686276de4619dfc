/**
 * Every BullMQ queue of the service, in one place. The worker refuses to start unless each has exactly
 * one processor. Jobs carry only ids; their handlers reload state from PostgreSQL and skip what is done.
 */
export const QUEUES = {
  /** attempt N of some webhook deliveries: `{ deliveryIds, attempt }`, job id `<first deliveryId>-<attempt>` */
  webhookDelivery: 'webhook-delivery',
  /** campaign executions `{ executionId }` (job id = that id) and scheduled runs `{ tenantId, campaignId }` */
  campaignExecution: 'campaign-execution',
} as const;

export const QUEUE_NAMES: readonly string[] = Object.values(QUEUES);
