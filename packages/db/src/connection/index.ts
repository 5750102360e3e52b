// How apps reach PostgreSQL (and the loopback rule the other connection policies share).
export { isLoopbackHost } from './is-loopback-host';
export { DatabaseUrlError, postgresConnection, unauthenticatedDatabaseProblem, type PostgresConnection } from './postgres-options';
