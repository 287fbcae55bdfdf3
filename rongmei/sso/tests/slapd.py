"""A throwaway OpenLDAP server for the tests: slapd.conf + mdb in a temporary directory, loaded
with slapadd, run as the current user on a free 127.0.0.1 port, stopped at the end."""

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SLAPD = "/usr/sbin/slapd"
SLAPADD = "/usr/sbin/slapadd"
SCHEMA = Path("/etc/ldap/schema")
SUFFIX = "dc=rongmei,dc=test"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "directory-admin"
READER_DN = f"cn=reader,ou=system,{SUFFIX}"
READER_PASSWORD = "reader-pass"

CONF = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
include {schema}/nis.schema
pidfile {dir}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{admin_dn}"
rootpw {admin_password}
directory {dir}/db
access to attrs=userPassword by self read by anonymous auth by * none
access to * by users read by * none
"""


def person(uid, name, mail, password):
    return f"""dn: uid={uid},ou=people,{SUFFIX}
objectClass: inetOrgPerson
uid: {uid}
cn: {name}
sn: {name[:1]}
mail: {mail}
userPassword: {password}
"""


def group(cn, *uids):
    members = "".join(f"member: uid={uid},ou=people,{SUFFIX}\n" for uid in uids)
    return f"dn: cn={cn},ou=groups,{SUFFIX}\nobjectClass: groupOfNames\ncn: {cn}\n{members}"


LDIF = "\n".join(
    [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: rongmei\no: Rongmei test\n",
        f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n",
        f"dn: ou=system,{SUFFIX}\nobjectClass: organizationalUnit\nou: system\n",
        f"dn: {READER_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
        f"cn: reader\nuserPassword: {READER_PASSWORD}\n",
        person("zhangwei", "张伟", "zhangwei@rongmei.test", "zw-directory-pass"),
        person("liuyang", "刘洋", "liuyang@rongmei.test", "ly-directory-pass"),
        group("newsroom-editors", "zhangwei"),
        group("newsroom-chiefs", "liuyang"),
    ]
)


def available() -> bool:
    return Path(SLAPD).exists() and Path(SLAPADD).exists() and (SCHEMA / "core.schema").exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalSlapd:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="rongmei-slapd-"))
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}/"
        self.process = None

    def __enter__(self):
        (self.dir / "db").mkdir()
        conf = self.dir / "slapd.conf"
        conf.write_text(
            CONF.format(
                schema=SCHEMA,
                dir=self.dir,
                suffix=SUFFIX,
                admin_dn=ADMIN_DN,
                admin_password=ADMIN_PASSWORD,
            )
        )
        (self.dir / "data.ldif").write_text(LDIF)
        subprocess.run(
            [SLAPADD, "-f", str(conf), "-l", str(self.dir / "data.ldif")],
            check=True,
            capture_output=True,
        )
        # -d 0: stay in the foreground (a child we can stop), logging nothing.
        self.process = subprocess.Popen(
            [SLAPD, "-f", str(conf), "-h", self.uri, "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd stopped: {self.process.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("slapd did not start listening within 10 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
