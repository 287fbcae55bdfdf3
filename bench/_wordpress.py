"""WordPress from Debian's packages, served by nginx and php-fpm, as bench/site_read.py's yardstick.

``wordpress_site(workdir, posts)`` is a context manager that yields ``(port, {"home": "/", "article":
path})`` and leaves nothing behind:

* the packages (wordpress, nginx, php-fpm, php-mysql, ...) are installed by
  scripts/install-bench-deps.sh when missing; ``WordPressUnavailable`` when they still are (no apt-get);
* a throwaway MariaDB database and user ``rongmei_bench_wp_<pid>_<hex>`` (made and dropped through the
  ``mariadb`` client as root: BENCH_WP_MYSQL_USER, MYSQL_PWD to change that);
* Debian's /usr/share/wordpress/wp-config.php loads /etc/wordpress/config-$WORDPRESS_CONFIG.php when
  the web server passes WORDPRESS_CONFIG: the site's config is /etc/wordpress/config-rongmei-bench-<pid>-<hex>.php,
  a name no other site uses, removed on exit (the only file written outside ``workdir``); what a killed
  run left (its process id no longer running) is removed when the next run starts;
* nginx and php-fpm run as child processes with their own configuration in ``workdir`` (nginx on a
  free 127.0.0.1 port, php-fpm on a unix socket there); the system services are neither used nor
  touched. The php-fpm pool is Debian's stock www.conf (pm = dynamic, max_children 5, ...), read
  from /etc/php/*/fpm/pool.d/www.conf with only its socket moved; php.ini and opcache are Debian's
  (php-fpm reads /etc/php/<version>/fpm/php.ini and conf.d as usual). nginx follows Debian's
  nginx.conf and /usr/share/doc/wordpress/examples/nginx-wordpress.conf, without the access log
  (gunicorn runs without one in the bench too);
* WordPress is installed through wp_install() with php-cli (no network), keeping the default theme
  (twentytwentythree for WordPress 6.1) and the default home page (latest posts), with the pretty
  permalinks a web install sets (/%year%/%monthnum%/%day%/%postname%/); no page cache plugin.
  WP-Cron is off and outside HTTP blocked (DISABLE_WP_CRON, WP_HTTP_BLOCK_EXTERNAL): the bench machine
  has no internet, and the update checks WP-Cron starts would hold one of the five php-fpm children
  on a network timeout. The "Hello world!" post is deleted, then ``posts`` inserted with
  wp_insert_post (title, lead as excerpt and first paragraph, body, slug, publish date);
* before yielding, home and article must answer 200 and the article show its title.
"""

import contextlib
import glob
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTALL_SCRIPT = ROOT / "scripts" / "install-bench-deps.sh"
WORDPRESS = Path("/usr/share/wordpress")
THEME = WORDPRESS / "wp-content" / "themes" / "twentytwentythree"
CONFIG_DIR = Path("/etc/wordpress")
PERMALINKS = "/%year%/%monthnum%/%day%/%postname%/"
# What Debian's www.conf says (PHP 8.2, bookworm), for a pool file that does not say it.
STOCK_POOL_DEFAULTS = {
    "pm": "dynamic",
    "pm.max_children": "5",
    "pm.start_servers": "2",
    "pm.min_spare_servers": "1",
    "pm.max_spare_servers": "3",
}


class WordPressUnavailable(RuntimeError):
    """The packages are missing and could not be installed (no apt-get): the bench skips WordPress."""


def _php_fpm() -> Path | None:
    found = sorted(glob.glob("/usr/sbin/php-fpm[0-9]*"))
    return Path(found[-1]) if found else None


def missing() -> list[str]:
    """What is not there yet to serve WordPress (empty when everything is)."""
    fpm = _php_fpm()
    version = fpm.name.removeprefix("php-fpm") if fpm else "*"
    checks = {
        "wordpress": (WORDPRESS / "wp-settings.php").exists(),
        "wordpress-theme-twentytwentythree": THEME.is_dir(),
        "nginx": shutil.which("nginx") or Path("/usr/sbin/nginx").exists(),
        "php-fpm": fpm is not None,
        "php (cli)": shutil.which("php"),
        "php-mysql": glob.glob(f"/etc/php/{version}/mods-available/mysqli.ini"),
        "php-mbstring": glob.glob(f"/etc/php/{version}/mods-available/mbstring.ini"),
        "mariadb client": shutil.which("mariadb") or shutil.which("mysql"),
    }
    return [name for name, ok in checks.items() if not ok]


def ensure_packages() -> None:
    if not missing():
        return
    print(f"wordpress: missing {', '.join(missing())}: running {INSTALL_SCRIPT.relative_to(ROOT)}", flush=True)
    subprocess.run([str(INSTALL_SCRIPT)], check=False)
    if still := missing():
        raise WordPressUnavailable(f"missing {', '.join(still)} (see scripts/install-bench-deps.sh)")


def stock_pool() -> tuple[str, dict[str, str]]:
    """Debian's stock php-fpm pool: (path read, its settings in order), defaults for what it lacks."""
    fpm = _php_fpm()
    path = Path(f"/etc/php/{fpm.name.removeprefix('php-fpm')}/fpm/pool.d/www.conf")
    settings: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if not line or line.startswith((";", "#", "[")) or "=" not in line:
                continue
            key, value = (part.strip() for part in line.split("=", 1))
            settings[key] = value
    else:
        path = "(none: Debian's values)"
    for key, value in STOCK_POOL_DEFAULTS.items():
        settings.setdefault(key, value)
    return str(path), settings


def versions() -> str:
    def package(name):
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", name], capture_output=True, text=True, check=False
        )
        return result.stdout.strip() or "?"

    fpm = _php_fpm().name  # php-fpm8.2, from the package php8.2-fpm
    php = "php" + fpm.removeprefix("php-fpm")
    return f"wordpress {package('wordpress')}, nginx {package('nginx')}, {php}-fpm {package(php + '-fpm')}"


# --- MariaDB ---------------------------------------------------------------------------------


def _sql(statement: str) -> list[str]:
    """Run ``statement`` as the bench's MariaDB user; the first column of its rows, if any."""
    client = shutil.which("mariadb") or shutil.which("mysql")
    user = os.environ.get("BENCH_WP_MYSQL_USER", "root")
    result = subprocess.run(
        [client, f"--user={user}", "--batch", "--skip-column-names", "-e", statement],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode:
        raise RuntimeError(f"{client} as {user}: {result.stderr.strip()}")
    return [line.split("\t")[0] for line in result.stdout.splitlines() if line]


# Every name a run makes carries its process id: a later run tells a live run's from a dead one's.
_LEFTOVER = re.compile(r"rongmei[-_]bench[-_](?:wp_)?(?:(\d+)[-_])?[0-9a-f]+$")


def _left_by_a_dead_run(name: str) -> bool:
    """Whether ``name`` (a config file's stem after "config-", a database, a user) was made by a run
    that no longer runs: its process id is gone, or the name has none (made before names had one)."""
    match = _LEFTOVER.match(name)
    if match is None:
        return False
    if match.group(1) is None:
        return True
    try:
        os.kill(int(match.group(1)), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, as another user's
        pass
    return False


def sweep_leftovers() -> list[str]:
    """Remove what a killed run (SIGKILL, a machine reset) left: its site config in /etc/wordpress,
    its database and its user. A run stopped by Ctrl-C or SIGTERM cleans up after itself."""
    swept = []
    for path in sorted(CONFIG_DIR.glob("config-rongmei-bench-*.php")):
        if _left_by_a_dead_run(path.stem.removeprefix("config-")):
            _remove_config(path)
            swept.append(str(path))
    for database in _sql("SHOW DATABASES LIKE 'rongmei\\_bench\\_wp\\_%'"):
        if _left_by_a_dead_run(database):
            _sql(f"DROP DATABASE IF EXISTS `{database}`")
            swept.append(f"database {database}")
    for user in _sql("SELECT User FROM mysql.user WHERE User LIKE 'rongmei\\_bench\\_wp\\_%'"):
        if _left_by_a_dead_run(user):
            _sql(f"DROP USER IF EXISTS '{user}'@'localhost'")
            swept.append(f"user {user}")
    return swept


# --- Configuration files ---------------------------------------------------------------------


def _site_config(name: str, database: str, user: str, password: str) -> str:
    salts = "\n".join(
        f"define('{key}', '{secrets.token_hex(32)}');"
        for key in (
            "AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY",
            "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT",
        )
    )  # fmt: skip
    return f"""<?php
/* Written by Rongmei's bench/site_read.py for one run ({name}); removed when the run ends. */
define('DB_NAME', '{database}');
define('DB_USER', '{user}');
define('DB_PASSWORD', '{password}');
define('DB_HOST', 'localhost');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
{salts}
$table_prefix = 'wp_';
define('WP_DEBUG', false);
/* No internet on the bench machine: no WP-Cron (its update checks would wait on the network in a
   php-fpm child) and no outside HTTP. */
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_CONTENT_DIR', '/var/lib/wordpress/wp-content');
"""


def _fpm_config(workdir: Path, socket_path: Path, pool: dict[str, str]) -> str:
    pool = dict(pool)
    pool["listen"] = str(socket_path)
    if os.geteuid() != 0:  # only root can switch to www-data; php-fpm would warn and ignore them
        for key in ("user", "group", "listen.owner", "listen.group"):
            pool.pop(key, None)
    lines = "\n".join(f"{key} = {value}" for key, value in pool.items())
    return f"""[global]
pid = {workdir / "php-fpm.pid"}
error_log = {workdir / "php-fpm.log"}
daemonize = no

; Debian's stock pool (www.conf), the socket moved into the bench's directory.
[www]
{lines}
"""


def _nginx_config(workdir: Path, port: int, socket_path: Path, config_name: str) -> str:
    temp = workdir / "nginx-temp"
    # Debian's nginx.conf runs the workers as www-data; here they run as the bench's user, which can
    # reach php-fpm's socket in the bench's directory (www-data cannot enter a private temporary one).
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return f"""# Written by Rongmei's bench/site_read.py: Debian's nginx.conf and its WordPress example.
{user}worker_processes auto;
pid {workdir / "nginx.pid"};
error_log {workdir / "nginx-error.log"};
daemon off;
events {{
    worker_connections 768;
}}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    gzip on;
    client_body_temp_path {temp}/body;
    fastcgi_temp_path {temp}/fastcgi;
    proxy_temp_path {temp}/proxy;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        root {WORDPRESS};
        index index.php;
        location / {{
            try_files $uri $uri/ /index.php?$args;
        }}
        location ~ ^/wp-content/(.*)$ {{
            alias /var/lib/wordpress/wp-content/$1;
        }}
        location ~ \\.php$ {{
            try_files $uri =404;
            include /etc/nginx/fastcgi.conf;
            # Debian's wp-config.php then loads /etc/wordpress/config-{config_name}.php.
            fastcgi_param WORDPRESS_CONFIG {config_name};
            fastcgi_pass unix:{socket_path};
        }}
    }}
}}
"""


INSTALL_PHP = r"""<?php
// php install.php CONFIG-NAME SITE-URL POSTS.json ARTICLE-INDEX: install WordPress, add the posts.
[$_, $config, $url, $posts_file, $article_index] = $argv;
$_SERVER['WORDPRESS_CONFIG'] = $config;
$_SERVER['HTTP_HOST'] = parse_url($url, PHP_URL_HOST) . ':' . parse_url($url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
function wp_new_blog_notification() {}  // no mail to the administrator
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
$installed = wp_install('Rongmei bench', 'admin', 'admin@example.invalid', true, '', wp_generate_password(24));
update_option('siteurl', $url);
update_option('home', $url);
global $wp_rewrite;
$wp_rewrite->set_permalink_structure('__PERMALINKS__');
flush_rewrite_rules(false);
wp_set_current_user($installed['user_id']);
kses_remove_filters();
wp_delete_post(1, true);  // "Hello world!" and its comment
$ids = [];
foreach (json_decode(file_get_contents($posts_file), true) as $post) {
    $id = wp_insert_post([
        'post_title' => $post['title'],
        'post_excerpt' => $post['lead'],
        'post_content' => $post['content'],
        'post_name' => $post['slug'],
        'post_status' => 'publish',
        'post_date' => $post['date'],
        'post_date_gmt' => $post['date'],
        'post_author' => $installed['user_id'],
    ], true);
    if (is_wp_error($id)) {
        fwrite(STDERR, 'wp_insert_post: ' . $id->get_error_message() . "\n");
        exit(1);
    }
    $ids[] = $id;
}
$article = $ids[(int) $article_index];
echo json_encode(['posts' => count($ids), 'article_id' => $article,
                  'article' => wp_make_link_relative(get_permalink($article))]), "\n";
""".replace("__PERMALINKS__", PERMALINKS)


def _wp_post(post: dict) -> dict:
    """A Rongmei story as a WordPress post: Wagtail's image embeds dropped (WordPress has no images)."""
    body = re.sub(r"<embed\b[^>]*/?>", "", post["body"])
    lead = post.get("lead", "")
    return {
        "title": post["title"],
        "lead": lead,
        "content": (f"<p>{lead}</p>" if lead else "") + body,
        "slug": post.get("slug", ""),
        "date": post["date"],  # "YYYY-MM-DD HH:MM:SS", UTC (WordPress's default time zone)
    }


def _install_config(source: Path, target: Path) -> None:
    """Put the site's config where Debian's wp-config.php looks, readable by php-fpm's children only
    (www-data under root, as README.Debian asks; else the bench's user, through sudo)."""
    group = "www-data" if os.geteuid() == 0 else str(os.getgid())
    command = ["install", "-D", "-m", "0640", "-o", "root", "-g", group, str(source), str(target)]
    if os.geteuid() != 0:
        command = ["sudo", "-n", *command]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(f"cannot write {target} (root or sudo needed): {result.stderr.strip()}")


def _remove_config(target: Path) -> None:
    if os.geteuid() == 0:
        target.unlink(missing_ok=True)
    elif target.exists():
        subprocess.run(["sudo", "-n", "rm", "-f", str(target)], check=False)


# --- Processes -------------------------------------------------------------------------------


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait(ready, process: subprocess.Popen, what: str, log: Path, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{tail}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout:.0f}s")


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _get(port: int, path: str) -> tuple[int, str]:
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@contextlib.contextmanager
def wordpress_site(
    workdir: Path, posts: list[dict], article_index: int, port: int
) -> Iterator[tuple[int, dict]]:
    """WordPress with ``posts`` (dicts: title, lead, body, slug, date), serving on 127.0.0.1:``port``.

    Yields ``(port, {"home": "/", "article": path of posts[article_index]})``."""
    ensure_packages()
    swept = sweep_leftovers()
    if swept:
        print(f"wordpress: removed what a killed run left: {', '.join(swept)}", file=sys.stderr)
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    name = f"rongmei-bench-{token}"
    database = user = f"rongmei_bench_wp_{token.replace('-', '_')}"
    password = secrets.token_hex(16)
    config_file = CONFIG_DIR / f"config-{name}.php"
    workdir = Path(workdir) / "wordpress"
    shutil.rmtree(workdir, ignore_errors=True)
    (workdir / "nginx-temp").mkdir(parents=True)
    socket_path = workdir / "php-fpm.sock"
    processes: list[subprocess.Popen] = []
    database_made = False
    # A SIGTERM (not only Ctrl-C) must still stop the servers and drop the database.
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        _sql(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci")
        database_made = True  # database and user dropped "IF EXISTS" on the way out
        _sql(
            f"CREATE USER '{user}'@'localhost' IDENTIFIED BY '{password}';"
            f"GRANT ALL PRIVILEGES ON `{database}`.* TO '{user}'@'localhost';"
        )
        (workdir / "config.php").write_text(_site_config(name, database, user, password))
        _install_config(workdir / "config.php", config_file)

        _, pool = stock_pool()
        (workdir / "php-fpm.conf").write_text(_fpm_config(workdir, socket_path, pool))
        (workdir / "nginx.conf").write_text(_nginx_config(workdir, port, socket_path, name))
        fpm = subprocess.Popen(
            [str(_php_fpm()), "--nodaemonize", "--fpm-config", str(workdir / "php-fpm.conf")],
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        processes.append(fpm)
        _wait(socket_path.exists, fpm, "php-fpm", workdir / "php-fpm.log")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        server = subprocess.Popen(
            [nginx, "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-e", str(workdir / "nginx-error.log")],
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        processes.append(server)
        _wait(lambda: _listening(port), server, "nginx", workdir / "nginx-error.log")

        (workdir / "install.php").write_text(INSTALL_PHP)
        (workdir / "posts.json").write_text(json.dumps([_wp_post(post) for post in posts], ensure_ascii=False))
        installed = subprocess.run(
            ["php", str(workdir / "install.php"), name, f"http://127.0.0.1:{port}",
             str(workdir / "posts.json"), str(article_index)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if installed.returncode:
            output = (installed.stdout + installed.stderr)[-3000:]
            raise RuntimeError(f"WordPress install failed ({installed.returncode}):\n{output}")
        result = json.loads(installed.stdout.strip().splitlines()[-1])
        paths = {"home": "/", "article": result["article"]}

        title = posts[article_index]["title"]
        for label, path in paths.items():
            status, html = _get(port, path)
            if status != 200:
                raise RuntimeError(f"WordPress {label} {path}: status {status} (expected 200)")
            if label == "article" and title not in html:
                raise RuntimeError(f"WordPress article {path} does not show its title {title!r}")
        yield port, paths
    finally:
        for process in reversed(processes):
            _stop(process)
        _remove_config(config_file)
        if database_made:
            try:  # a failure here must not hide the one that brought us here
                _sql(f"DROP DATABASE IF EXISTS `{database}`; DROP USER IF EXISTS '{user}'@'localhost';")
            except (OSError, RuntimeError) as error:
                print(f"wordpress: could not drop the database {database}: {error}", file=sys.stderr)
        signal.signal(signal.SIGTERM, previous)
