import type { SourceKind } from '@archnest/contracts';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, PathItemObject } from '@nestjs/swagger/dist/interfaces';

/**
 * The documented per-source container paths. Each is the same route as
 * `/api/containers/<source>/<hostId>/…`: the URL is rewritten before routing, so an alias has
 * the same validation, guards, audit and answers as the route it stands for, and cannot drift.
 */
export interface ContainerRouteAlias {
  /** The alias path before `{hostId}/containers`. */
  prefix: string;
  source: SourceKind;
  /** Tag and operationId word of its operations in the OpenAPI document. */
  tag: string;
  operationWord: string;
  /** Methods served; the agent's routes are read-only (it offers no logs, actions or exec). */
  methods: readonly string[];
}

export const CONTAINER_ROUTE_ALIASES: readonly ContainerRouteAlias[] = [
  {
    prefix: '/api/docker/hosts/',
    source: 'docker-tcp',
    tag: 'docker-tcp',
    operationWord: 'DockerTcp',
    methods: ['GET', 'POST', 'DELETE'],
  },
  {
    prefix: '/api/docker-ssh/targets/',
    source: 'docker-ssh',
    tag: 'docker-ssh',
    operationWord: 'DockerSsh',
    methods: ['GET', 'POST', 'DELETE'],
  },
  {
    prefix: '/api/agents/docker/hosts/',
    source: 'agent',
    tag: 'agents',
    operationWord: 'Agent',
    methods: ['GET'],
  },
];

/** `<prefix><hostId>/containers[/rest][?query]`, the host id being one path segment. */
const ALIAS_TAIL = /^([^/?]+)\/containers(\/[^?]*)?(\?.*)?$/;

/** The main route an alias URL stands for, or the URL unchanged when it is no alias. */
export function rewriteContainerAlias(method: string | undefined, url: string): string {
  for (const alias of CONTAINER_ROUTE_ALIASES) {
    if (!url.startsWith(alias.prefix) || !alias.methods.includes(method ?? '')) {
      continue;
    }
    const match = ALIAS_TAIL.exec(url.slice(alias.prefix.length));
    if (match) {
      const [, hostId, rest = '', query = ''] = match;
      return `/api/containers/${alias.source}/${hostId}${rest}${query}`;
    }
  }
  return url;
}

const MAIN_PREFIX = '/api/containers/{source}/{hostId}';

/** Adds each alias's operations to the document: copies of the main ones, without `source`. */
export function documentContainerAliases(document: OpenAPIObject): void {
  const mainPaths = Object.entries(document.paths).filter(([path]) => path.startsWith(MAIN_PREFIX));
  for (const alias of CONTAINER_ROUTE_ALIASES) {
    for (const [path, item] of mainPaths) {
      const aliasPath = `${alias.prefix}{hostId}/containers${path.slice(MAIN_PREFIX.length)}`;
      const operations = aliasOperations(item, alias);
      if (Object.keys(operations).length > 0) {
        document.paths[aliasPath] = operations;
      }
    }
  }
}

function aliasOperations(item: PathItemObject, alias: ContainerRouteAlias): PathItemObject {
  const aliased: PathItemObject = {};
  for (const method of ['get', 'post', 'delete'] as const) {
    const operation = item[method];
    if (operation && alias.methods.includes(method.toUpperCase())) {
      aliased[method] = aliasOperation(operation, alias);
    }
  }
  return aliased;
}

function aliasOperation(operation: OperationObject, alias: ContainerRouteAlias): OperationObject {
  const mainId = operation.operationId ?? '';
  return {
    ...operation,
    tags: [alias.tag],
    operationId: mainId.replace(/^([a-z]+)/, `$1${alias.operationWord}`),
    description:
      `Alias of \`${mainId}\` with source \`${alias.source}\`; same validation and answers.\n\n` +
      (operation.description ?? ''),
    parameters: (operation.parameters ?? []).filter(
      (parameter) => !('name' in parameter && parameter.name === 'source'),
    ),
  };
}
