export interface Health {
  status: 'ok' | 'degraded';
  uptimeSeconds: number;
  database: { type: 'sqlite' | 'postgres'; ok: boolean };
  version: string;
}
