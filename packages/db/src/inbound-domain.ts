// INBOUND_DOMAIN, the domain of the logging addresses (bcc-<token>@…, fwd-<token>@…): what the inbound
// server and the API accept for it. Its own module so that either's environment parsing imports nothing else.

/** A domain name of two or more labels (log.example.com), checked ignoring case. */
export const INBOUND_DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;
export const NOT_A_DOMAIN_NAME = 'is not a domain name such as log.example.com';
