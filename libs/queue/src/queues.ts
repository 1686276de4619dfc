/**
 * Every BullMQ queue of the service, in one place. The worker refuses to start unless each has exactly
 * one processor. Jobs carry only ids; their handlers reload state from PostgreSQL and skip what is done.
 */
export const QUEUES = {
  /** one job per attempt of a webhook delivery: `{ deliveryId, attempt }`, job id `<deliveryId>-<attempt>` */
  webhookDelivery: 'webhook-delivery',
} as const;

export const QUEUE_NAMES: readonly string[] = Object.values(QUEUES);
