import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { bearerToken, tokensMatch } from '../../common/guards/bearer-token';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';

/**
 * Guards the Prometheus export with ARCHNEST_METRICS_TOKEN, never a user JWT (a scraper's
 * config file is no place for a user's session): 503 while the export is off (no token set),
 * 401 for a missing or wrong token.
 */
@Injectable()
export class ScrapeTokenGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'metrics'>) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.metrics.scrapeToken;
    if (!expected) {
      throw new ServiceUnavailableException(
        'The Prometheus export is off: set ARCHNEST_METRICS_TOKEN',
      );
    }
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    const presented = bearerToken(request.headers.authorization);
    if (presented === null || !tokensMatch(presented, expected)) {
      throw new UnauthorizedException('Missing or wrong scrape token');
    }
    return true;
  }
}
