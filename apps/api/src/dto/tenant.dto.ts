import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { CreatedTenant, ServiceMode } from '@app/tenants';
import { IsOptionalNonNull, IsText } from './validators.js';

const SERVICE_MODES: ServiceMode[] = ['plugin', 'white_label'];

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Casino', minLength: 1, maxLength: 200 })
  @IsText(1, 200)
  name!: string;

  @ApiPropertyOptional({ enum: SERVICE_MODES, default: 'plugin' })
  @IsOptionalNonNull()
  @IsIn(SERVICE_MODES)
  service_mode?: ServiceMode;

  toInput(): { name: string; serviceMode: ServiceMode } {
    return { name: this.name, serviceMode: this.service_mode ?? 'plugin' };
  }
}

export class TenantDto {
  @ApiProperty({ example: 'ten_01jd5x3k8q7m2n4p6r8s0t2v4w' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: SERVICE_MODES }) service_mode!: ServiceMode;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class TenantKeysDto {
  @ApiProperty({ description: 'admin scope: configuration and everything server can do. Shown once.' }) admin!: string;
  @ApiProperty({ description: 'server scope: players, events, opens, reads. Shown once.' }) server!: string;
}

export class TenantCreatedDto {
  @ApiProperty({ type: TenantDto }) tenant!: TenantDto;
  @ApiProperty({ type: TenantKeysDto }) api_keys!: TenantKeysDto;

  static from(c: CreatedTenant): TenantCreatedDto {
    return {
      tenant: { id: c.tenant.id, name: c.tenant.name, service_mode: c.tenant.serviceMode, created_at: c.tenant.createdAt.toISOString() },
      api_keys: { admin: c.apiKeys.admin, server: c.apiKeys.server },
    };
  }
}
