# ruff: noqa: E501  (the event table keeps each log format on one line, as the system writes it)
"""Labelled log lines in the styles of real systems, for bench/bench_templates.py and the template tests.

Usage: python bench/template_corpus.py [--lines 24000] [--seed 11] [--days 300] [--show 2]
Prints how many lines each event got and `--show` example lines of each.

`generate(lines, seed)` returns `(line, event id)` pairs, deterministic for a seed. Every event is one
format string: header and message as the system writes them, with `{kind}` fields (`{ip}`, `{blk}`;
`{ip2}`, `{hex2b}`: one more character asks for a second value of the same kind) filled per line. The message
texts are Loghub's ground-truth templates where Loghub has the system (github.com/logpai/loghub,
`<System>/<System>_2k.log_templates.csv`, and the raw lines of `<System>_2k.log_structured.csv` for
the headers); the rest come from the projects' own sources, named above each group. Loghub's labels
are followed where they split what a parser might merge: "cupsd startup/shutdown succeeded" and
"VM Started/Paused/Resumed/Stopped" are distinct events there, and so they are here.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from datetime import UTC, datetime

# ---------------------------------------------------------------- events: (id, format, weight)
# fmt: off
# The weight is relative: how common the event is against the others (real logs are skewed).

# HDFS DataNode/NameNode, loghub HDFS/HDFS_2k.log_templates.csv (E1-E14); raw header
# "081109 203615 148 INFO dfs.DataNode$PacketResponder: ...".
_HDFS = "{yymmdd} {hms6} {pid} "
HDFS = [
    ("hdfs-receiving", _HDFS + "INFO dfs.DataNode$DataXceiver: Receiving block {blk} src: /{dn}:{port} dest: /{dn2}:50010", 40),
    ("hdfs-received-src", _HDFS + "INFO dfs.DataNode$DataXceiver: Received block {blk} src: /{dn}:{port} dest: /{dn2}:50010 of size {size}", 25),
    ("hdfs-received-from", _HDFS + "INFO dfs.DataNode$PacketResponder: Received block {blk} of size {size} from /{dn}", 30),
    ("hdfs-responder", _HDFS + "INFO dfs.DataNode$PacketResponder: PacketResponder {digit} for block {blk} terminating", 40),
    ("hdfs-stored", _HDFS + "INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: {dn}:50010 is added to {blk} size {size}", 40),
    ("hdfs-allocate", _HDFS + "INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/_task_{hjob}_m_{task6}_0/part-{task5}. {blk}", 10),
    ("hdfs-invalidset", _HDFS + "INFO dfs.FSNamesystem: BLOCK* NameSystem.delete: {blk} is added to invalidSet of {dn}:50010", 12),
    ("hdfs-verified", _HDFS + "INFO dfs.DataBlockScanner: Verification succeeded for {blk}", 8),
    ("hdfs-deleting", _HDFS + "INFO dfs.FSDataset: Deleting block {blk} file /mnt/hadoop/dfs/data/current/subdir{subdir}/{blk}", 12),
    ("hdfs-served", _HDFS + "INFO dfs.DataNode: {dn}:50010 Served block {blk} to /{dn2}", 6),
    ("hdfs-exception", _HDFS + "WARN dfs.DataNode: {dn}:50010:Got exception while serving {blk} to /{dn2}:", 5),
    ("hdfs-replicate", _HDFS + "INFO dfs.FSNamesystem: BLOCK* ask {dn}:50010 to replicate {blk} to datanode(s) {dn2}:50010", 3),
]

# BlueGene/L RAS, loghub BGL/BGL_2k.log_templates.csv (E3, E18, E33, E37, E44/E45, E55, E67, E77, E81,
# E111, E2); raw "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872
# R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected".
_BGL = "- {epoch} {dotdate} {bgl} {bglts} {bgl} RAS "
BGL = [
    ("bgl-icache", _BGL + "KERNEL INFO instruction cache parity error corrected", 25),
    ("bgl-core", _BGL + "KERNEL INFO generating core.{core}", 30),
    ("bgl-ce", _BGL + "KERNEL INFO CE sym {n2}, at {hex8}, mask {hex2}", 12),
    ("bgl-hummer", _BGL + "KERNEL INFO {num} double-hummer alignment exceptions", 8),
    ("bgl-ciod-prefix", _BGL + "APP FATAL ciod: failed to read message prefix on control stream (CioStream socket to {ip172}:{port}", 10),
    ("bgl-tlb", _BGL + "KERNEL FATAL data TLB error interrupt", 6),
    ("bgl-ddr", _BGL + "KERNEL INFO {digit} ddr errors(s) detected and corrected on rank 0, symbol {n2}, bit {digit2}", 5),
    ("bgl-chdir", _BGL + "APP FATAL ciod: LOGIN chdir(/p/gb2/{user}/{run}) failed: No such file or directory", 4),
    ("bgl-torus-y", _BGL + "KERNEL INFO critical input interrupt (unit={hex2} bit={hex2b}): warning for torus y+ wire", 3),
    ("bgl-torus-z", _BGL + "KERNEL INFO critical input interrupt (unit={hex2} bit={hex2b}): warning for torus z- wire", 3),
    ("bgl-lustre", _BGL + "APP FATAL Lustre mount FAILED : bglio{bglio} : point /p/gb{digit}", 3),
    ("bgl-rts", _BGL + "KERNEL FATAL rts: kernel terminated for reason {reason}", 3),
]

# Linux syslog, loghub Linux/Linux_2k.log_templates.csv (E16, E27, E29, E37/E38, E58, E61, E65, E88,
# E101/E102, E106); raw "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; ...".
# E29's ftpd line carries its own "Sun Jul 17 15:09:15 2005" date.
_SYS = "{mon} {day} {hms} combo "
LINUX = [
    ("linux-authfail", _SYS + "sshd(pam_unix)[{pid}]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost={rhost}", 40),
    ("linux-checkpass", _SYS + "sshd(pam_unix)[{pid}]: check pass; user unknown", 10),
    ("linux-su-opened", _SYS + "su(pam_unix)[{pid}]: session opened for user {sysuser} by (uid=0)", 8),
    ("linux-su-closed", _SYS + "su(pam_unix)[{pid}]: session closed for user {sysuser}", 8),
    ("linux-cupsd-startup", _SYS + "cups: cupsd startup succeeded", 2),
    ("linux-cupsd-shutdown", _SYS + "cups: cupsd shutdown succeeded", 2),
    ("linux-syslogd-startup", _SYS + "syslog: syslogd startup succeeded", 1),
    ("linux-klogd-startup", _SYS + "syslog: klogd startup succeeded", 1),
    ("linux-ftp-connection", _SYS + "ftpd[{pid}]: connection from {ip} ({rdns}) at {wday} {mon} {day2} {hms} {year}", 12),
    ("linux-ftp-anonymous", _SYS + "ftpd[{pid}]: ANONYMOUS FTP LOGIN FROM {ip}, (anonymous)", 3),
    ("linux-kerberos", _SYS + "klogind[{pid}]: Kerberos authentication failed", 3),
    ("linux-snmp", _SYS + "snmpd[{pid}]: Received SNMP packet(s) from {ip}", 3),
    ("linux-udev-creating", _SYS + "udev[{pid}]: creating device node '/udev/{dev}'", 2),
    ("linux-udev-removing", _SYS + "udev[{pid}]: removing device node '/udev/{dev}'", 2),
]

# Thunderbird (node names dn228, bn717 ...), loghub Thunderbird/Thunderbird_2k.log_templates.csv (E3,
# E39, E117/E118); raw "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]:
# session closed for user root".
_TB = "- {epoch} {dotdate} {tb} {mon} {day} {hms} {tb}/{tb} "
THUNDERBIRD = [
    ("tb-crond-closed", _TB + "crond(pam_unix)[{pid}]: session closed for user root", 20),
    ("tb-crond-opened", _TB + "crond(pam_unix)[{pid}]: session opened for user root by (uid=0)", 20),
    ("tb-cron-hourly", _TB + "crond[{pid}]: (root) CMD (run-parts /etc/cron.hourly)", 10),
    ("tb-dhcprequest", _TB + "dhcpd: DHCPREQUEST for {ip10} ({ip10b}) from {mac} via eth1", 8),
]

# OpenSSH, loghub OpenSSH/OpenSSH_2k.log_templates.csv (E1-E3, E5, E9, E10, E12, E13, E19, E24, E27);
# raw "Dec 10 06:55:46 LabSZ sshd[24200]: ...".
_SSH = "{mon} {day} {hms} LabSZ sshd[{pid}]: "
OPENSSH = [
    ("ssh-fail-invalid", _SSH + "Failed password for invalid user {user} from {ip} port {port} ssh2", 30),
    ("ssh-fail", _SSH + "Failed password for {sshuser} from {ip} port {port} ssh2", 30),
    ("ssh-accepted", _SSH + "Accepted password for {sshuser} from {ip} port {port} ssh2", 4),
    ("ssh-invalid-user", _SSH + "Invalid user {user} from {ip}", 25),
    ("ssh-userauth", _SSH + "input_userauth_request: invalid user {user} [preauth]", 25),
    ("ssh-pam-fail", _SSH + "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}", 20),
    ("ssh-bye", _SSH + "Received disconnect from {ip}: 11: Bye Bye [preauth]", 20),
    ("ssh-closed", _SSH + "Connection closed by {ip} [preauth]", 10),
    ("ssh-breakin", _SSH + "reverse mapping checking getaddrinfo for {rdns} [{ip}] failed - POSSIBLE BREAK-IN ATTEMPT!", 15),
    ("ssh-noident", _SSH + "Did not receive identification string from {ip}", 4),
    ("ssh-too-many-root", _SSH + "Disconnecting: Too many authentication failures for root [preauth]", 3),
]

# Spark executors, loghub Spark/Spark_2k.log_templates.csv (E2, E3, E9, E10, E19, E20, E24, E25, E29);
# raw "17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: ...".
_SPARK = "{slashdate} {hms} INFO "
SPARK = [
    ("spark-running", _SPARK + "executor.Executor: Running task {task}.0 in stage {stage}.0 (TID {tid})", 30),
    ("spark-finished", _SPARK + "executor.Executor: Finished task {task}.0 in stage {stage}.0 (TID {tid}). {num} bytes result sent to driver", 30),
    ("spark-found", _SPARK + "storage.BlockManager: Found block rdd_{rdd}_{task} locally", 20),
    ("spark-partition", _SPARK + "spark.CacheManager: Partition rdd_{rdd}_{task} not found, computing it", 6),
    ("spark-bcast-started", _SPARK + "broadcast.TorrentBroadcast: Started reading broadcast variable {bcast}", 8),
    ("spark-bcast-took", _SPARK + "broadcast.TorrentBroadcast: Reading broadcast variable {bcast} took {ms} ms", 8),
    ("spark-bytes", _SPARK + "storage.MemoryStore: Block broadcast_{bcast}_piece0 stored as bytes in memory (estimated size {kb} KB, free {gb} GB)", 8),
    ("spark-values", _SPARK + "storage.MemoryStore: Block broadcast_{bcast} stored as values in memory (estimated size {kb} KB, free {gb} GB)", 8),
    ("spark-saved", _SPARK + "output.FileOutputCommitter: Saved output of task 'attempt_{hjob}_m_{task6}_{digit}' to hdfs://10.10.34.11:9000/pjhe/test/{digit2}/_temporary/0/task_{hjob}_m_{task6}", 3),
]

# Hadoop MapReduce application master, loghub Hadoop/Hadoop_2k.log_templates.csv (E13, E17, E21, E14,
# E80, E91); raw "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop...: ...". msra-sa-41 and
# MININT-FNANLI5 are the hosts of Loghub's lines.
_HADOOP = "{isodate} {hms},{ms3} INFO "
HADOOP = [
    ("hadoop-new-unassigned", _HADOOP + "[AsyncDispatcher event handler] org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl: attempt_{hjob}_m_{task6}_{digit} TaskAttempt Transitioned from NEW to UNASSIGNED", 8),
    ("hadoop-unassigned-assigned", _HADOOP + "[AsyncDispatcher event handler] org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl: attempt_{hjob}_m_{task6}_{digit} TaskAttempt Transitioned from UNASSIGNED to ASSIGNED", 8),
    ("hadoop-assigned-running", _HADOOP + "[AsyncDispatcher event handler] org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl: attempt_{hjob}_m_{task6}_{digit} TaskAttempt Transitioned from ASSIGNED to RUNNING", 8),
    ("hadoop-assigned-container", _HADOOP + "[RMCommunicator Allocator] org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator: Assigned container container_{hjob}_01_{task6} to attempt_{hjob}_m_{task6}_0", 6),
    ("hadoop-progress", _HADOOP + "[IPC Server handler {n2} on {port}] org.apache.hadoop.mapred.TaskAttemptListenerImpl: Progress of TaskAttempt attempt_{hjob}_m_{task6}_0 is : 0.{frac}", 20),
    ("hadoop-retrying", _HADOOP + "[RMCommunicator Allocator] org.apache.hadoop.ipc.Client: Retrying connect to server: {hhost}:8030. Already tried {digit} time(s); retry policy is RetryUpToMaximumCountWithFixedSleep(maxRetries=10, sleepTime=1000 MILLISECONDS)", 10),
]

# Kubernetes kubelet through journald: klog header "I0516 18:34:04.558677    4052 file.go:line]" and
# structured messages from kubernetes/kubernetes pkg/kubelet/prober/prober.go ("Probe failed"),
# pkg/kubelet/kubelet.go ("SyncLoop ADD"/"SyncLoop DELETE", "Error syncing pod, skipping"),
# pkg/kubelet/kuberuntime/kuberuntime_container.go ("Killing container with a grace period") and
# client-go tools/cache/reflector.go ("failed to list"). Node names as EKS, AKS and GKE give them.
_KUBELET = "{mon} {day} {hms} {knode} kubelet[{pid}]: {sev}{mmdd} {hms}.{us} {pid} "
KUBERNETES = [
    ("k8s-probe-failed", _KUBELET.replace("{sev}", "I") + 'prober.go:107] "Probe failed" probeType="Liveness" pod="{ns}/{app}-{podhash}" podUID="{uuid}" containerName="{app}" probeResult="failure" output="Get \\"http://{podip}:8080/healthz\\": dial tcp {podip}:8080: connect: connection refused"', 20),
    ("k8s-syncloop-add", _KUBELET.replace("{sev}", "I") + 'kubelet.go:2407] "SyncLoop ADD" source="api" pods=["{ns}/{app}-{podhash}"]', 6),
    ("k8s-syncloop-delete", _KUBELET.replace("{sev}", "I") + 'kubelet.go:2413] "SyncLoop DELETE" source="api" pods=["{ns}/{app}-{podhash}"]', 6),
    ("k8s-crashloop", _KUBELET.replace("{sev}", "E") + 'pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"{app}\\" with CrashLoopBackOff: \\"back-off 5m0s restarting failed container={app} pod={app}-{podhash}_{ns}({uuid})\\"" pod="{ns}/{app}-{podhash}" podUID="{uuid}"', 15),
    ("k8s-killing", _KUBELET.replace("{sev}", "I") + 'kuberuntime_container.go:779] "Killing container with a grace period" pod="{ns}/{app}-{podhash}" podUID="{uuid}" containerName="{app}" containerID="containerd://{hex64}" gracePeriod=30', 6),
    ("k8s-reflector", _KUBELET.replace("{sev}", "W") + 'reflector.go:561] k8s.io/client-go/informers/factory.go:160: failed to list *v1.Service: Get "https://10.96.0.1:443/api/v1/services?limit=500&resourceVersion=0": dial tcp 10.96.0.1:443: i/o timeout', 5),
]

# Go services: logrus/logfmt ("time=... level=... msg=...") with the errors Go's net package writes;
# a NATS-style client's connection pair (nats.go DisconnectErrHandler / ReconnectHandler messages).
GO = [
    ("go-db-refused", 'time="{iso}" level=error msg="failed to connect to database" error="dial tcp {podip}:5432: connect: connection refused" host={host}', 12),
    ("go-upstream-timeout", 'time="{iso}" level=warn msg="upstream request failed" upstream=http://{app}.{ns}.svc:8080 error="context deadline exceeded (Client.Timeout exceeded while awaiting headers)" host={host}', 10),
    ("go-nats-connected", 'time="{iso}" level=info msg="nats connected" url=nats://nats-{digit}.nats.{ns}.svc:4222 host={host}', 3),
    ("go-nats-disconnected", 'time="{iso}" level=info msg="nats disconnected" url=nats://nats-{digit}.nats.{ns}.svc:4222 host={host}', 3),
]

# Java services, Spring Boot's default console pattern ("2024-05-16 18:34:04.558 ERROR 1 --- [thread]
# logger : message"): HikariCP HikariPool.createTimeoutException, Spring Boot StartupInfoLogger
# ("Started X in N seconds (process running for N)"), the JVM's OutOfMemoryError, a Quartz-style
# java.util.Date ("Sun Dec 04 06:33:12 UTC 2005"), and an AMQP client's channel opened/closed pair.
_SPRING = "{isodate} {hms}.{ms3} {lvl} 1 --- [{thread}] "
JAVA = [
    ("java-hikari-timeout", _SPRING.replace("{lvl}", "ERROR") + "o.h.engine.jdbc.spi.SqlExceptionHelper   : HikariPool-1 - Connection is not available, request timed out after {ms5}ms.", 12),
    ("java-started", _SPRING.replace("{lvl}", " INFO").replace("{thread}", "           main") + "c.a.checkout.CheckoutApplication         : Started CheckoutApplication in {secs} seconds (process running for {secs2})", 2),
    ("java-oom", _SPRING.replace("{lvl}", "ERROR") + "o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] threw exception: java.lang.OutOfMemoryError: Java heap space", 3),
    ("java-retry", _SPRING.replace("{lvl}", " WARN") + "c.a.checkout.client.PaymentsClient       : Retrying POST http://{host}:8443/v2/charges after {ms} ms (attempt {digit} of 5)", 10),
    ("java-next-fire", _SPRING.replace("{lvl}", " INFO").replace("{thread}", "eduler_Worker-{digit}") + "c.a.checkout.jobs.CartCleanupJob         : cart cleanup done, next fire time {wday} {mon} {day2} {hms} UTC {year}", 4),
    ("java-amqp-opened", _SPRING.replace("{lvl}", " INFO") + "c.a.checkout.events.BrokerConnection     : AMQP channel {n2} to rabbitmq-{digit}.rabbitmq:5672 opened", 3),
    ("java-amqp-closed", _SPRING.replace("{lvl}", " INFO") + "c.a.checkout.events.BrokerConnection     : AMQP channel {n2} to rabbitmq-{digit}.rabbitmq:5672 closed", 3),
]

# Apache httpd 2.0 error log, loghub Apache/Apache_2k.log_templates.csv (E1-E5); raw
# "[Sun Dec 04 04:47:44 2005] [notice] jk2_init() Found child 6725 in scoreboard slot 10".
_APACHE = "[{wday} {mon} {day2} {hms} {year}] "
APACHE = [
    ("apache-found-child", _APACHE + "[notice] jk2_init() Found child {pid} in scoreboard slot {n2}", 20),
    ("apache-workerenv-ok", _APACHE + "[notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties", 15),
    ("apache-error-state", _APACHE + "[error] mod_jk child workerEnv in error state {digit}", 15),
    ("apache-forbidden", _APACHE + "[error] [client {ip}] Directory index forbidden by rule: /var/www/html/", 5),
    ("apache-cant-find", _APACHE + "[error] jk2_init() Can't find child {pid} in scoreboard", 3),
]

# nginx error log, "2024/05/16 18:34:04 [error] 31#31: *5678 ..." (src/core/ngx_log.c); messages from
# src/http/ngx_http_upstream.c (the "while reading response header from upstream" action, "upstream
# timed out", "connect() failed") and ngx_http_static_module.c (open() failed).
_NGINX = "{slashdate4} {hms} [{nlvl}] {digit}#{digit}: *{num} "
NGINX = [
    ("nginx-upstream-timeout", _NGINX.replace("{nlvl}", "error") + 'upstream timed out (110: Connection timed out) while reading response header from upstream, client: {ip}, server: {vhost}, request: "GET /v1/{api}/{num2} HTTP/1.1", upstream: "http://{podip}:8080/v1/{api}/{num2}", host: "{vhost}"', 15),
    ("nginx-connect-refused", _NGINX.replace("{nlvl}", "error") + 'connect() failed (111: Connection refused) while connecting to upstream, client: {ip}, server: {vhost}, request: "GET /v1/{api}/{num2} HTTP/1.1", upstream: "http://{podip}:8080/v1/{api}/{num2}", host: "{vhost}"', 10),
    ("nginx-open-failed", _NGINX.replace("{nlvl}", "error") + 'open() "/usr/share/nginx/html/{static}" failed (2: No such file or directory), client: {ip}, server: {vhost}, request: "GET /{static} HTTP/1.1", host: "{vhost}"', 6),
    ("nginx-buffered", _NGINX.replace("{nlvl}", "warn") + 'an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/{digit}/{n2}/00000{num} while reading upstream, client: {ip}, server: {vhost}, request: "GET /v1/{api}/{num2} HTTP/1.1", upstream: "http://{podip}:8080/v1/{api}/{num2}", host: "{vhost}"', 4),
]

# OpenStack nova, loghub OpenStack/OpenStack_2k.log_templates.csv (E1, E2, E15, E14, E20-E23, E25);
# raw "nova-compute.log.1.2017-05-16_13:55:31 2017-05-16 00:00:04.500 2931 INFO nova.compute.manager
# [req-3ea4052c-... - - - - -] [instance: b9000564-...] VM Started (Lifecycle Event)".
_NOVA = "nova-compute.log.1.2017-05-16_13:55:31 {isodate} {hms}.{ms3} {pid} INFO nova.compute.manager [req-{uuid} - - - - -] [instance: {uuid2}] "
_WSGI = "nova-api.log.1.2017-05-16_13:53:08 {isodate} {hms}.{ms3} {pid} INFO nova.osapi_compute.wsgi.server [req-{uuid} {hex32} {hex32b} - - -] "
OPENSTACK = [
    ("nova-claim", _NOVA.replace("nova.compute.manager", "nova.compute.claims") + "Attempting claim: memory {mem} MB, disk {disk} GB, vcpus {digit} CPU", 6),
    ("nova-claim-ok", _NOVA.replace("nova.compute.manager", "nova.compute.claims") + "Claim successful", 6),
    ("nova-spawn-took", _NOVA + "Took {secs} seconds to spawn the instance on the hypervisor.", 6),
    ("nova-destroy-took", _NOVA + "Took {secs} seconds to destroy the instance on the hypervisor.", 6),
    ("nova-vm-started", _NOVA + "VM Started (Lifecycle Event)", 6),
    ("nova-vm-paused", _NOVA + "VM Paused (Lifecycle Event)", 4),
    ("nova-vm-resumed", _NOVA + "VM Resumed (Lifecycle Event)", 4),
    ("nova-vm-stopped", _NOVA + "VM Stopped (Lifecycle Event)", 6),
    ("nova-wsgi-get", _WSGI + '{podip} "GET /v2/{hex32b}/servers/detail HTTP/1.1" status: 200 len: {num} time: {secs}', 30),
]

# fmt: on

EVENTS: list[tuple[str, str, int]] = [
    *HDFS, *BGL, *LINUX, *THUNDERBIRD, *OPENSSH, *SPARK, *HADOOP, *KUBERNETES, *GO, *JAVA, *APACHE, *NGINX,
    *OPENSTACK,
]  # fmt: skip

# ---------------------------------------------------------------- variables

_USERS = (
    "admin test oracle guest user ftpuser postgres ubuntu pi git nagios mysql webmaster support backup "
    "info1 tomcat www operator student teacher demo jenkins hadoop redis deploy alex anna michael "
    "user1 test123 admin2 ftp web sales office mail"
).split()
_SYSUSERS = ("root", "cyrus", "news", "test")
_APPS = ("checkout", "payments", "cart", "ledger", "search-api", "catalog", "auth", "notifier")
_NAMESPACES = ("shop", "payments", "platform", "default", "search")
_APIS = ("items", "orders", "carts", "users", "prices")
_STATIC = ("favicon.ico", "robots.txt", "apple-touch-icon.png", "sitemap.xml", "ads.txt", "humans.txt")
_VHOSTS = ("api.example.com", "shop.example.com", "admin.example.com")
_THREADS = ("nio-8080-exec-{}", "pool-3-thread-{}", "http-nio-8443-exec-{}", "task-{}")
_POD_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # the alphabet of Kubernetes' generated name suffixes


def _node(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return f"ip-10-0-{rng.randint(0, 15)}-{rng.randint(2, 254)}.ec2.internal"
    if kind == 1:
        return f"aks-nodepool1-29985679-vmss{rng.randint(0, 35):06X}"
    if kind == 2:
        suffix = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(4))
        return f"gke-prod-default-pool-{rng.getrandbits(32):08x}-{suffix}"
    return f"worker-{rng.randint(1, 40)}.prod"


def _host(rng: random.Random) -> str:
    return rng.choice((f"worker-{rng.randint(1, 40)}.prod", f"ip-10-0-{rng.randint(0, 15)}-{rng.randint(2, 254)}"))


def _podhash(rng: random.Random) -> str:
    """A Deployment pod's two generated parts, after its name: `7d9f8b6c5d-x2x9k`."""
    rs = "".join(rng.choice(_POD_CHARS) for _ in range(rng.choice((9, 10))))
    return f"{rs}-{''.join(rng.choice(_POD_CHARS) for _ in range(5))}"


def _rdns(rng: random.Random) -> str:
    a, b, c, d = (rng.randint(1, 254) for _ in range(4))
    return rng.choice(
        (
            f"{a}-{b}-{c}-{d}.dsl.example.net",
            f"c-{a}-{b}-{c}-{d}.hsd1.ca.comcast.net",
            f"host{a}.{b}.pool.example.org",
            f"{a}.{b}.{c}.{d}.static.isp.example",
        )
    )


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"


def _blk(rng: random.Random) -> str:
    return f"blk_{'-' if rng.random() < 0.5 else ''}{rng.randint(10**17, 9 * 10**18)}"


def _bgl(rng: random.Random) -> str:
    return (
        f"R{rng.randint(0, 47):02d}-M{rng.randint(0, 1)}-N{rng.choice('0123456789ABCDEF')}-{rng.choice('CI')}:"
        f"J{rng.randint(2, 18):02d}-U{rng.choice(('01', '11'))}"
    )


def _ip(rng: random.Random) -> str:
    return f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _mac(rng: random.Random) -> str:
    return ":".join(f"{rng.getrandbits(8):02x}" for _ in range(6))


VARIABLES = {
    "ip": _ip,
    "ip10": lambda r: f"10.100.{r.randint(0, 40)}.{r.randint(1, 254)}",
    "ip172": lambda r: f"172.16.{r.randint(96, 99)}.{r.randint(1, 254)}",
    "dn": lambda r: f"10.250.{r.randint(0, 19)}.{r.randint(2, 254)}",
    "podip": lambda r: f"10.0.{r.randint(0, 63)}.{r.randint(2, 254)}",
    "port": lambda r: r.randint(1024, 65535),
    "pid": lambda r: r.randint(100, 32767),
    "blk": _blk,
    "size": lambda r: r.choice((67108864, r.randint(1, 67108864))),
    "digit": lambda r: r.randint(0, 9),
    "n2": lambda r: r.randint(0, 99),
    "num": lambda r: r.randint(1, 99999),
    "ms": lambda r: r.randint(1, 2000),
    "ms5": lambda r: r.choice((30000, 30001, 5000, 10000)),
    "secs": lambda r: f"{r.uniform(0.1, 90):.2f}",
    "kb": lambda r: f"{r.uniform(1, 900):.1f}",
    "gb": lambda r: f"{r.uniform(1, 30):.1f}",
    "frac": lambda r: r.randint(1, 99999999),
    "hex2": lambda r: f"0x{r.getrandbits(8):02x}",
    "hex8": lambda r: f"0x{r.getrandbits(32):08x}",
    "hex32": lambda r: f"{r.getrandbits(128):032x}",
    "hex64": lambda r: f"{r.getrandbits(256):064x}",
    "uuid": _uuid,
    "core": lambda r: r.randint(1, 8191),
    "bgl": _bgl,
    "bglio": lambda r: r.randint(1, 64),
    "reason": lambda r: r.randint(1001, 1004),
    "run": lambda r: f"{r.randint(1, 16)}M_{r.randint(1, 9)}000K/t{r.randint(100, 999)}",
    "tb": lambda r: f"{r.choice(('dn', 'bn', 'an', 'cn'))}{r.randint(1, 1023)}",
    "mac": _mac,
    "subdir": lambda r: r.randint(0, 63),
    "user": lambda r: r.choice(_USERS),
    "sshuser": lambda r: "root" if r.random() < 0.8 else r.choice(("admin", "git", "ubuntu", "pi")),
    "sysuser": lambda r: r.choice(_SYSUSERS),
    "rhost": lambda r: r.choice((_ip(r), _rdns(r))),
    "rdns": _rdns,
    "dev": lambda r: f"{r.choice(('vcs', 'vcsa', 'tty', 'ttyS'))}{r.randint(1, 12)}",
    "hjob": lambda r: f"{r.choice((1445144423722, 1445087491445, 1445062781478))}_{r.randint(1, 40):04d}",
    "task6": lambda r: f"{r.randint(0, 200):06d}",
    "task5": lambda r: f"{r.randint(0, 200):05d}",
    "task": lambda r: r.randint(0, 40),
    "stage": lambda r: r.randint(0, 30),
    "tid": lambda r: r.randint(0, 20000),
    "rdd": lambda r: r.randint(0, 60),
    "bcast": lambda r: r.randint(0, 40),
    "hhost": lambda r: r.choice(("msra-sa-41", "msra-sa-39", "MININT-FNANLI5", "04DN8IQ.fareast.corp.microsoft.com")),
    "knode": lambda r: _node(r).split(".")[0],
    "host": _host,
    "podhash": _podhash,
    "app": lambda r: r.choice(_APPS),
    "ns": lambda r: r.choice(_NAMESPACES),
    "api": lambda r: r.choice(_APIS),
    "static": lambda r: r.choice(_STATIC),
    "vhost": lambda r: r.choice(_VHOSTS),
    "thread": lambda r: r.choice(_THREADS).format(r.randint(1, 20)),
    "mem": lambda r: r.choice((512, 2048, 4096, 8192)),
    "disk": lambda r: r.choice((0, 1, 20, 40)),
}


class _Line(dict[str, object]):
    """The fields of one line: the time's own, then each variable drawn on first use."""

    def __init__(self, rng: random.Random, ts: float) -> None:
        t = datetime.fromtimestamp(ts, UTC)
        super().__init__(
            epoch=int(ts),
            yymmdd=t.strftime("%y%m%d"),
            hms6=t.strftime("%H%M%S"),
            hms=t.strftime("%H:%M:%S"),
            mon=t.strftime("%b"),
            day=t.day,
            day2=t.strftime("%d"),
            wday=t.strftime("%a"),
            year=t.year,
            dotdate=t.strftime("%Y.%m.%d"),
            bglts=t.strftime("%Y-%m-%d-%H.%M.%S.") + f"{rng.randrange(10**6):06d}",
            slashdate=t.strftime("%y/%m/%d"),
            slashdate4=t.strftime("%Y/%m/%d"),
            isodate=t.strftime("%Y-%m-%d"),
            iso=t.strftime("%Y-%m-%dT%H:%M:%SZ"),
            ms3=f"{rng.randrange(1000):03d}",
            us=f"{rng.randrange(10**6):06d}",
            mmdd=t.strftime("%m%d"),
        )
        self.rng = rng

    def __missing__(self, key: str) -> object:
        value = VARIABLES[key if key in VARIABLES else key[:-1]](self.rng)
        self[key] = value
        return value


def generate(lines: int = 24_000, seed: int = 11, days: float = 300) -> list[tuple[str, str]]:
    """`lines` (line, event id) pairs with timestamps over `days` (by default ten months: every weekday and
    month name shows up); every event gets at least 20 lines."""
    rng = random.Random(seed)
    ids = [e[0] for e in EVENTS]
    assert len(set(ids)) == len(ids), "event ids must be unique"
    weights = [w for _, _, w in EVENTS]
    floor = 20
    spare = lines - floor * len(EVENTS)
    assert spare >= 0, f"at least {floor * len(EVENTS)} lines"
    counts = [floor + int(spare * w / sum(weights)) for w in weights]
    counts[0] += lines - sum(counts)
    order = [i for i, n in enumerate(counts) for _ in range(n)]
    rng.shuffle(order)
    start = datetime(2023, 1, 2, tzinfo=UTC).timestamp()
    step = days * 86400 / lines
    out = []
    for k, i in enumerate(order):
        ts = start + k * step + rng.random() * step
        event_id, fmt, _ = EVENTS[i]
        out.append((fmt.format_map(_Line(rng, ts)), event_id))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=24_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--days", type=float, default=300)
    parser.add_argument("--show", type=int, default=2)
    args = parser.parse_args()
    corpus = generate(args.lines, args.seed, args.days)
    counts = Counter(e for _, e in corpus)
    shown: Counter[str] = Counter()
    print(f"{len(corpus)} lines, {len(counts)} events")
    for event_id, _, _ in EVENTS:
        print(f"{event_id} ({counts[event_id]} lines)")
        for line, e in corpus:
            if e == event_id and shown[e] < args.show:
                print(f"    {line}")
                shown[e] += 1


if __name__ == "__main__":
    main()
