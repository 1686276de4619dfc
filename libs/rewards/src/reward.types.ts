/** A reward of API.md §6: WINZ, a bonus, a lootbox open, or an external prize the operator pays. */
export type Reward =
  | { type: 'winz'; amount: number }
  | { type: 'bonus'; bonus_template_id: string }
  | { type: 'external'; amount: number; currency: string; description: string }
  | { type: 'lootbox'; lootbox_id: string };

export const REWARD_TYPES = ['winz', 'bonus', 'external', 'lootbox'] as const;

/** What granting it did. */
export type RewardResult =
  | { type: 'winz'; transaction_id: string; entry_id: string; amount: number; balance_after: number }
  | { type: 'bonus'; bonus_id: string; status: string }
  | { type: 'external'; amount: number; currency: string; description: string }
  | { type: 'lootbox'; open_id: string; reward: unknown };

export interface RewardGrantView {
  grant_id: string;
  grant_key: string;
  player_id: string;
  reward: Reward;
  result: RewardResult;
  created_at: string;
}

export interface GrantOutcome {
  grant: RewardGrantView;
  /** false: the key was granted before, nothing happened now */
  created: boolean;
}

/**
 * Grant keys the service makes itself (a tournament rank, a journey cycle, a campaign execution, a
 * lootbox prize, a jackpot win) start with one of these; an operator's own grant keys may not.
 */
export const RESERVED_GRANT_KEY = /^(tournament|journey|campaign|lootbox|jackpot):/;
