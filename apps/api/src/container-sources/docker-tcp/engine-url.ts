import { AppError, ErrorCode } from '../../common/errors/app-error';

/** Where an engine listens: a TCP endpoint (optionally TLS) or a unix socket on the API's host. */
export type EngineEndpoint =
  { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; socketPath: string };

export const ENGINE_URL_EXAMPLES = 'tcp://docker01.lan:2376 or unix:///var/run/docker.sock';
const HOSTNAME =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/;
const UNIX_PREFIX = 'unix://';
const SOCKET_PATH = /^\/[A-Za-z0-9._/-]+$/;

function invalid(reason: string): AppError {
  return new AppError(ErrorCode.BadRequest, `url ${reason} (e.g. ${ENGINE_URL_EXAMPLES})`);
}

function parseTcp(url: URL): EngineEndpoint {
  const port = Number(url.port);
  if (!url.port || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalid('needs a port');
  }
  if (!HOSTNAME.test(url.hostname) && !IPV6.test(url.hostname)) {
    throw invalid('has an invalid host name');
  }
  if (url.username || url.password || (url.pathname !== '' && url.pathname !== '/')) {
    throw invalid('must be tcp://host:port with no user, path or query');
  }
  return { kind: 'tcp', host: url.hostname.replace(/^\[|\]$/g, ''), port };
}

/** Read from the raw string: URL parsing would resolve `..` segments and hide them. */
function parseUnix(value: string): EngineEndpoint {
  const path = value.slice(UNIX_PREFIX.length);
  if (!SOCKET_PATH.test(path) || path.split('/').some((part) => part === '..' || part === '.')) {
    throw invalid('must be unix:// followed by an absolute socket path');
  }
  return { kind: 'unix', socketPath: path };
}

/**
 * Parses an engine endpoint as Docker's own `-H` spells it. Anything else (http://, a path with
 * `..`, credentials in the URL, a query) is refused before it can reach a client.
 */
export function parseEngineUrl(value: string): EngineEndpoint {
  if (value.startsWith(UNIX_PREFIX)) {
    return parseUnix(value);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('is not a URL');
  }
  if (url.search || url.hash) {
    throw invalid('must not have a query or fragment');
  }
  if (url.protocol === 'tcp:') {
    return parseTcp(url);
  }
  throw invalid('must start with tcp:// or unix://');
}
