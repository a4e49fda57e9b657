/**
 * The parts of Engine API answers the normalizers read, typed as loosely as engines send them
 * (older engines omit fields, `Ports` bindings may be null). dockerode's own types are
 * assignable to these.
 */
export interface EnginePort {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export interface EngineMount {
  Type?: string;
  Name?: string;
  Source?: string;
  Destination?: string;
  RW?: boolean;
}

export interface EngineListItem {
  Id: string;
  Names?: string[];
  Image?: string;
  Created?: number;
  Ports?: EnginePort[] | null;
  State?: string;
  Status?: string;
}

export interface EngineState {
  Status?: string;
  Running?: boolean;
  Paused?: boolean;
  Restarting?: boolean;
  Dead?: boolean;
  ExitCode?: number;
  StartedAt?: string;
  FinishedAt?: string;
  Health?: { Status?: string } | null;
}

export interface EngineInspect {
  Id: string;
  Name?: string;
  Created?: string;
  Image?: string;
  RestartCount?: number;
  State?: EngineState;
  HostConfig?: { RestartPolicy?: { Name?: string; MaximumRetryCount?: number } | null };
  Mounts?: EngineMount[] | null;
  Config?: {
    Image?: string;
    Env?: string[] | null;
    Cmd?: string[] | string | null;
    Entrypoint?: string[] | string | null;
    Labels?: Record<string, string> | null;
    Tty?: boolean;
    StopTimeout?: number;
  };
  NetworkSettings?: {
    Ports?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
    Networks?: Record<string, { IPAddress?: string } | null> | null;
  };
}

export interface EngineCpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface EngineStats {
  /** The container's full id (API 1.41+). */
  id?: string;
  read?: string;
  cpu_stats?: EngineCpuStats;
  precpu_stats?: EngineCpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> | null };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }> | null;
  blkio_stats?: { io_service_bytes_recursive?: { op?: string; value?: number }[] | null } | null;
}
