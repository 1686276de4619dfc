import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, ConfigModule } from '@app/common';
import { DbModule } from '@app/db';
import { TenantsModule } from '@app/tenants';

@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [ConfigModule.forRoot(config), DbModule, TenantsModule] };
  }
}
