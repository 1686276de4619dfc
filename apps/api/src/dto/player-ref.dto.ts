import { ApiPropertyOptional } from '@nestjs/swagger';
import type { PlayerRef } from '@app/players';
import { ExactlyOneOf, exactlyOneOf, IsExternalRef, IsOptionalNonNull, IsRef } from './validators.js';

/** `player_id` (a plr_ id or an external_ref) or `external_ref`: exactly one. */
@ExactlyOneOf('player_id', 'external_ref')
export abstract class NamesAPlayer {
  @ApiPropertyOptional({ description: "the WOWsino id (plr_…) or the operator's external_ref" })
  @IsOptionalNonNull()
  @IsRef()
  player_id?: string;

  @ApiPropertyOptional({ description: "the operator's id (not starting with plr_); a new one creates the player on the fly" })
  @IsOptionalNonNull()
  @IsExternalRef()
  external_ref?: string;

  playerRef(): PlayerRef {
    exactlyOneOf(this, ['player_id', 'external_ref']);
    return this.player_id !== undefined ? { playerId: this.player_id } : { externalRef: this.external_ref! };
  }
}
