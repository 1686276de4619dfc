/** Every webhook event type of API.md §11. */
export const EVENT_TYPES = [
  'player.created',
  'bonus.granted',
  'bonus.activated',
  'bonus.completed',
  'bonus.expired',
  'winz.credited',
  'lootbox.opened',
  'journey.completed',
  'jackpot.won',
  'tournament.finished',
  'campaign.execution_completed',
  /** an `external` reward (cash or a physical prize the operator hands out): delivered only by webhook */
  'reward.granted',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(v: string): v is EventType {
  return (EVENT_TYPES as readonly string[]).includes(v);
}
