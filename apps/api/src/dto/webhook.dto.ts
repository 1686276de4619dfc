import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional } from 'class-validator';
import { EVENT_TYPES } from '@app/outbox';
import { DELIVERY_STATUSES, type CreateEndpointInput, type DeliveryStatus } from '@app/webhooks';
import { PageQueryDto } from './page.dto.js';
import { isStorableText } from '@app/common';
import { IsOptionalNonNull, IsText, rule } from './validators.js';

const EVENT_CHOICES = [...EVENT_TYPES, '*'];

function isWebhookUrl(v: unknown): boolean {
  if (typeof v !== 'string' || v.length > 2048) return false;
  // The URL parser would quietly strip or encode whitespace and control characters while the
  // original string is what is stored: refuse them instead, and insist on the usual //.
  if (!/^https?:\/\//i.test(v) || /[\s\u0000-\u001f\u007f-\u009f]/.test(v) || !isStorableText(v)) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/wowsino', maxLength: 2048, description: 'http:// or https://, no credentials, whitespace or control characters' })
  @rule('isWebhookUrl', 'must be an http or https URL of at most 2048 characters, without credentials', isWebhookUrl)
  url!: string;

  @ApiProperty({ type: [String], enum: EVENT_CHOICES, example: ['bonus.granted', 'lootbox.opened'], description: 'event types, or ["*"] for all' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_CHOICES.length)
  @IsIn(EVENT_CHOICES, { each: true, message: `each value in events must be one of ${EVENT_CHOICES.join(', ')}` })
  @rule('isEventList', 'must be ["*"] alone, or event types without "*"', (v) => !Array.isArray(v) || !v.includes('*') || v.length === 1)
  events!: string[];

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptionalNonNull()
  @IsText(0, 500)
  description?: string;

  toInput(): CreateEndpointInput {
    return { url: this.url, events: this.events, ...(this.description !== undefined && { description: this.description }) };
  }
}

export class DeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export class WebhookDto {
  @ApiProperty({ example: 'whk_01jd5x3k8q7m2n4p6r8s0t2v4w' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) events!: string[];
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class WebhookCreatedDto extends WebhookDto {
  @ApiProperty({ description: 'the HMAC key of X-Wowsino-Signature; shown once, stored encrypted', example: 'whsec_…' }) secret!: string;
}

export class WebhookPageDto {
  @ApiProperty({ type: [WebhookDto] }) data!: WebhookDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class DeliveryAttemptDto {
  @ApiProperty() attempt!: number;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty() duration_ms!: number;
  @ApiProperty({ nullable: true, type: Number }) status_code!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
}

export class DeliveryDto {
  @ApiProperty({ example: 'dlv_01jd5x3k8q7m2n4p6r8s0t2v4w' }) id!: string;
  @ApiProperty({ example: 'evt_01jd5x3k8q7m2n4p6r8s0t2v4w' }) event_id!: string;
  @ApiProperty({ example: 'bonus.granted' }) event_type!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: Number }) last_status_code!: number | null;
  @ApiProperty({ nullable: true, type: String }) last_error!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) next_attempt_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
  @ApiProperty({ type: [DeliveryAttemptDto], description: 'every attempt, oldest first' }) attempt_log!: DeliveryAttemptDto[];
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] }) data!: DeliveryDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}
