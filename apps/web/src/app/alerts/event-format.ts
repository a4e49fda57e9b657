import type { AlertDelivery, AlertEvent } from '@archnest/contracts';

function tries(count: number): string {
  return count === 1 ? '1 try' : `${count} tries`;
}

/** One delivery in a few words: "webhook: sent", "ops mail: failed after 3 tries: <error>". */
export function describeDelivery(delivery: AlertDelivery): string {
  const channel =
    delivery.transition === 'resolved'
      ? `${delivery.channelName} (resolved)`
      : delivery.channelName;
  const error = delivery.lastError ? `: ${delivery.lastError}` : '';
  switch (delivery.state) {
    case 'sent':
      return `${channel}: sent`;
    case 'failed':
      return `${channel}: failed after ${tries(delivery.tries)}${error}`;
    case 'pending':
      return delivery.tries > 0
        ? `${channel}: retrying after ${tries(delivery.tries)}${error}`
        : `${channel}: pending`;
  }
}

/** Every delivery of an event, firing first; "No channels" when it had none. */
export function describeDeliveries(event: Pick<AlertEvent, 'deliveries'>): string[] {
  if (!event.deliveries.length) {
    return ['No channels'];
  }
  const order = (d: AlertDelivery) => (d.transition === 'firing' ? 0 : 1);
  return [...event.deliveries].sort((a, b) => order(a) - order(b)).map(describeDelivery);
}
