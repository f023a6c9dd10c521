package opts

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// matrix hands each sink the keys of other drivers and languages, values
// the drivers reject, and settings that work: the differential test
// connects with every one of them.
func matrix(ctx context.Context) {
	sql.Open("postgres", "postgres://app@db:5o32/orders?sslmode=disable")                         // want `the port 5o32 in the URL is not a number.*invalid port ":5o32" after host`
	pgx.Connect(ctx, "postgres://app@db:5o32/orders?sslmode=disable")                             // want `port=5o32 is not a value pgx accepts.*invalid port`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&options=reference%3Dabc") // want `pq: invalid command-line argument for server process: reference=abc \(42601\)`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&options=-c%20statement_timeout%3D5s")
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&command_timeout=30")                                 // want `command_timeout is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&statement_cache_size=0")                             // want `statement_cache_size is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&prepared_statement_cache_size=0")                    // want `prepared_statement_cache_size is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&max_cached_statement_lifetime=0")                    // want `max_cached_statement_lifetime is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&sslfactory=org.postgresql.ssl.NonValidatingFactory") // want `sslfactory is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&sslaccept=strict")                                   // want `sslaccept is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&prepareThreshold=0")                                 // want `prepareThreshold is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&socketTimeout=30")                                   // want `socketTimeout is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&connectTimeout=10")                                  // want `connectTimeout is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&loginTimeout=10")                                    // want `loginTimeout is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&currentSchema=app")                                  // want `currentSchema is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&ApplicationName=api")                                // want `ApplicationName is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&tcpKeepAlive=true")                                  // want `tcpKeepAlive is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&reWriteBatchedInserts=true")                         // want `reWriteBatchedInserts is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&stringtype=unspecified")                             // want `stringtype is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&pgbouncer=true")                                     // want `pgbouncer is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&connection_limit=5")                                 // want `connection_limit is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&pool_timeout=10")                                    // want `pool_timeout is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&schema=app")                                         // want `schema is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&prefer_simple_protocol=true")                        // want `prefer_simple_protocol is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&min_read_buffer_size=8192")                          // want `min_read_buffer_size is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&fallback_application_name=api")                      // want `fallback_application_name is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&hostaddr=127.0.0.1")                                 // want `hostaddr is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&keepalives=1")                                       // want `keepalives is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&keepalives_idle=30")                                 // want `keepalives_idle is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&sslcompression=0")                                   // want `sslcompression is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&sslcrl=/crl.pem")                                    // want `sslcrl is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&requirepeer=postgres")                               // want `requirepeer is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&gssencmode=disable")                                 // want `gssencmode is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&load_balance_hosts=random")                          // want `load_balance_hosts is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&binary_parameters=yes")                              // want `binary_parameters is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&disable_prepared_binary_result=yes")                 // want `disable_prepared_binary_result is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&tz=UTC")                                             // want `tz is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&x-statement-timeout=60000")                          // want `x\-statement\-timeout is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&ssl_min_protocol_version=TLSv1.2")                   // want `ssl_min_protocol_version is .*SQLSTATE`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&time_zone=UTC")                                      // want `time_zone is .*SQLSTATE`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&channel_binding=require")                        // want `channel_binding is .*\(42704\)`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&require_auth=md5")                               // want `require_auth is .*\(42704\)`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&sslcertmode=allow")                              // want `sslcertmode is .*\(42704\)`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&sslpassword=x")                                  // want `sslpassword is .*\(42704\)`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&servicefile=/x")                                 // want `servicefile is .*\(42704\)`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&statement_cache_capacity=128")                   // want `statement_cache_capacity is .*\(42704\)`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&description_cache_capacity=128")                 // want `description_cache_capacity is .*\(42704\)`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&pool_min_conns=1")                               // want `pool_min_conns is .*\(42704\)`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&sslcertmode=bogus")                                  // want `invalid sslcertmode \(unknown sslcertmode value: bogus\)`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&target_session_attrs=bogus")                         // want `unknown target_session_attrs value: bogus`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&min_protocol_version=3.1")                           // want `invalid min_protocol_version: "3.1"`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&channel_binding=bogus")                              // want `unknown channel_binding value: bogus`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&require_auth=md5,!gss")                              // want `cannot be mixed`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&default_query_exec_mode=bogus")                      // want `invalid default_query_exec_mode \(unknown value "bogus"\)`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&statement_cache_capacity=abc")                       // want `cannot parse statement_cache_capacity \(strconv.ParseInt`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&connect_timeout=-1")                                 // want `invalid connect_timeout \(negative timeout\)`
	sql.Open("pgx", "postgres://app@db:5432/orders?sslmode=disable&sslmode=no-verify")                                   // want `failed to configure TLS \(sslmode is invalid\)`
	pgxpool.New(ctx, "postgres://app@db:5432/orders?sslmode=disable&pool_min_conns=abc")                                 // want `cannot parse pool_min_conns`
	pgxpool.New(ctx, "postgres://app@db:5432/orders?sslmode=disable&pool_max_conn_idle_time=5")                          // want `missing unit in duration "5"`
	pgxpool.New(ctx, "postgres://app@db:5432/orders?sslmode=disable&pool_ping_timeout=soon")                             // want `cannot parse pool_ping_timeout \(time: invalid duration "soon"\)`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&sslnegotiation=bogus")                           // want `pq: wrong value for "sslnegotiation": "bogus" is not supported; supported values are postgres, or direct`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&load_balance_hosts=bogus")                       // want `pq: wrong value for "load_balance_hosts"`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&min_protocol_version=3.1")                       // want `pq: wrong value for "min_protocol_version": "3.1" is not supported; supported values are 3.0, 3.2, or latest`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&ssl_min_protocol_version=TLSv9")                 // want `pq: wrong value for "ssl_min_protocol_version"`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&sslsni=maybe")                                   // want `pq: wrong value for "sslsni": strconv.ParseBool: parsing "maybe": invalid syntax`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&binary_parameters=maybe")                        // want `pq: wrong value for "binary_parameters"`
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&statement_timeout=5000&geqo=off")                // want `geqo does nothing here`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&transaction_deferrable=on")                          // want `SET TRANSACTION \[NOT\] DEFERRABLE must be called before any query`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&in_hot_standby=on")                                  // want `parameter "in_hot_standby" cannot be changed \(SQLSTATE 55P02\)`
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&sslnegotiation=bogus")
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&target_session_attrs=read-write&channel_binding=prefer")
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&min_protocol_version=3.0&max_protocol_version=latest")
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&sslcertmode=disable&sslsni=0&connect_timeout=5")
	pgx.Connect(ctx, "postgres://app@db:5432/orders?sslmode=disable&lock_timeout=5s&idle_in_transaction_session_timeout=60000&work_mem=8MB&default_transaction_isolation=serializable&transaction_read_only=off&DateStyle=ISO&client_encoding=UTF8&geqo=off&tcp_user_timeout=1000&search_path=public&_pq_.x=1&extra_float_digits=3")
	pgxpool.New(ctx, "postgres://app@db:5432/orders?sslmode=disable&pool_min_conns=1&pool_min_idle_conns=1&pool_max_conn_idle_time=5m&pool_max_conn_lifetime_jitter=30s&pool_ping_timeout=2s&pool_health_check_period=1m")
	sql.Open("postgres", "postgres://app@db:5432/orders?sslmode=disable&sslnegotiation=postgres&load_balance_hosts=disable&fallback_application_name=api&binary_parameters=yes&disable_prepared_binary_result=yes&connect_timeout=5&client_encoding=UTF8&datestyle=ISO%2C%20MDY&target_session_attrs=any&sslsni=1&min_protocol_version=3.0")
	sql.Open("pgx/v5", "postgres://app@db:5432/orders?sslmode=disable&default_query_exec_mode=describe_exec&statement_cache_capacity=64&description_cache_capacity=64")
}
