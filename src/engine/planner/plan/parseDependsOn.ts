/**
 * The service names in compose's `depends_on` label, whose entries read
 * `service:condition:required`; older compose wrote bare names, which are read too.
 */
export function parseDependsOn(label: string | undefined): string[] {
  if (label === undefined || label === '') {
    return [];
  }

  const services: string[] = [];
  for (const entry of label.split(',')) {
    const colon = entry.indexOf(':');
    const service = (colon < 0 ? entry : entry.slice(0, colon)).trim();
    if (service !== '' && !services.includes(service)) {
      services.push(service);
    }
  }
  return services;
}
