"""Chinese search benchmark: indexing rate and query latency of rongmei.search.backend.

    .venv/bin/python bench/search.py                 # 100,000 stories, throwaway SQLite database
    .venv/bin/python bench/search.py --stories 5000  # quick run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/search.py
        # PostgreSQL: a throwaway database is created next to the given one and dropped after

It generates stories of news-like Chinese from a vocabulary and sentence templates, inserts them in
bulk (Page and StoryPage rows, bypassing treebeard's one-by-one inserts), indexes them through the
backend's own ``add_items`` (segmentation included), then times the public search's two queries
(ranked top 20 and count) for 2- and 4-character words, common and rare, and two numbers of middling
frequency (``q3_mid``), side by side with the same search ranking every match (the SQLite backend ranks only the newest ``RANK_MAX_MATCHES`` of
a very common word) and with the unsegmented baseline a site without this backend would need: a ``LIKE '%词%'`` scan. On SQLite it
also counts what plain FTS5 (unicode61, no segmentation) finds; on PostgreSQL it times the same
searches without the recent-entries GIN index as well (``whole p95``: every entry asked at once, as
before that index). The last line is key=value figures.
"""

import argparse
import gc
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PLACES = [
    "淄博",
    "张店区",
    "临淄区",
    "周村区",
    "博山区",
    "淄川区",
    "桓台县",
    "高青县",
    "沂源县",
    "济南",
    "青岛",
    "烟台",
    "潍坊",
    "北京",
    "上海",
    "深圳",
    "杭州",
    "成都",
    "鲁中",
    "黄河流域",
]
ORGS = [
    "市委",
    "市政府",
    "市人大常委会",
    "市政协",
    "区委",
    "县政府",
    "市发展改革委",
    "市教育局",
    "市卫健委",
    "市文旅局",
    "市生态环境局",
    "市公安局",
    "市场监管局",
    "团市委",
    "市妇联",
    "高新区管委会",
    "经开区",
]
PEOPLE = [
    "市委书记",
    "市长",
    "副市长",
    "区长",
    "县委书记",
    "局长",
    "院士",
    "企业家",
    "村党支部书记",
    "志愿者",
]
TOPICS = [
    "高质量发展",
    "乡村振兴",
    "营商环境",
    "人工智能",
    "新能源汽车",
    "生态环境保护",
    "安全生产",
    "文明城市创建",
    "垃圾分类",
    "城市更新",
    "科技创新",
    "招商引资",
    "民生实事",
    "疫情防控",
    "黄河生态保护",
    "数字经济",
    "教育改革",
    "医疗保障",
    "养老服务",
    "文化旅游",
    "先进制造业",
    "新材料产业",
    "陶瓷琉璃产业",
    "淄博烧烤",
]
MEETINGS = ["工作会议", "推进会", "座谈会", "现场会", "新闻发布会", "专题会议", "动员大会", "调度会"]
ACTIONS = ["强调", "指出", "要求", "提出", "表示", "介绍"]
GOALS = [
    "坚持问题导向，狠抓工作落实",
    "统筹发展和安全，守牢底线",
    "加快项目建设，扩大有效投资",
    "优化服务流程，提升群众满意度",
    "加强统筹协调，形成工作合力",
    "持续深化改革，激发市场活力",
    "推动产业升级，培育新的增长点",
    "压实各方责任，确保取得实效",
]
FACTS = [
    "今年以来，全市完成固定资产投资{n}亿元，同比增长{p}%",
    "截至目前，已累计建成{n}个示范项目，惠及群众{m}万人",
    "活动吸引了{n}家企业参展，现场签约金额达{m}亿元",
    "据统计，当天接待游客{n}万人次，旅游收入{m}亿元",
    "全年新增城镇就业{n}万人，居民人均可支配收入增长{p}%",
    "项目总投资{n}亿元，预计年产值可达{m}亿元",
]
RARE_SENTENCES = {
    "蹴鞠": "临淄足球博物馆举办蹴鞠文化展演，吸引大批市民观看",
    "聊斋": "蒲松龄纪念馆推出聊斋主题研学活动",
    "牛郎织女": "沂源县举办牛郎织女传说非遗展示活动",
    "稷下学宫": "稷下学宫遗址考古发掘取得新成果",
}
# word -> (length class, frequency class) for the timed queries
QUERY_WORDS = {
    "发展": ("2", "common"),
    "淄博": ("2", "common"),
    "蹴鞠": ("2", "rare"),
    "聊斋": ("2", "rare"),
    "人工智能": ("4", "common"),
    "乡村振兴": ("4", "common"),
    "牛郎织女": ("4", "rare"),
    "稷下学宫": ("4", "rare"),
    # Numbers from FACTS: more matches than the ranking window, far fewer than the common words
    # (at a million stories ~6,400 and ~18,900): neither the newest-first walk nor the rare words'
    # index scan is short for them.
    "873": ("3", "mid"),
    "257": ("3", "mid"),
}
RARE_RATE = 0.002  # share of stories carrying each rare word


def make_story(rng):
    place, org, topic = rng.choice(PLACES), rng.choice(ORGS), rng.choice(TOPICS)
    meeting = rng.choice(MEETINGS)
    title = f"{place}{org}召开{topic}{meeting}"
    lead = f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日，{org}在{place}召开{topic}{meeting}，{rng.choice(PEOPLE)}出席并讲话。"
    sentences = []
    while sum(len(s) for s in sentences) < 420:
        kind = rng.random()
        if kind < 0.35:
            sentences.append(
                f"{rng.choice(PEOPLE)}{rng.choice(ACTIONS)}，要围绕{rng.choice(TOPICS)}，{rng.choice(GOALS)}"
            )
        elif kind < 0.7:
            sentences.append(
                rng.choice(FACTS).format(
                    n=rng.randint(2, 900), m=rng.randint(1, 300), p=round(rng.uniform(1, 15), 1)
                )
            )
        else:
            sentences.append(
                f"{rng.choice(PLACES)}{rng.choice(ORGS)}将进一步推动{rng.choice(TOPICS)}和{rng.choice(TOPICS)}工作"
            )
    for sentence in RARE_SENTENCES.values():
        if rng.random() < RARE_RATE:
            sentences.insert(rng.randrange(len(sentences) + 1), sentence)
    body = "".join(f"<p>{sentence}。</p>" for sentence in sentences)
    return title, lead, body


def percentile(samples, fraction):
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(fn, repeats, cpu=None):
    """Wall-clock milliseconds of ``repeats`` runs after a warm-up; the CPU milliseconds of this
    process go to ``cpu`` when given (on a shared machine they vary less than the wall clock)."""
    fn()  # warm-up (page cache, statement cache)
    samples = []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - start_cpu) * 1000)
    return samples


def _has_rjieba():
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True


def set_up_database(args):
    """A throwaway database: SQLite in a temp dir, or a new database on the given PostgreSQL."""
    tmp = tempfile.mkdtemp(prefix="rongmei-bench-search-")
    os.environ["RONGMEI_VAR_DIR"] = tmp
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    os.environ["LOG_LEVEL"] = "WARNING"
    url = os.environ.get("DATABASE_URL", "")
    drop = None
    if args.reuse:
        if url.startswith(("postgres://", "postgresql://")):
            os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + args.reuse
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{os.path.abspath(args.reuse)}"
        return None
    if url.startswith(("postgres://", "postgresql://")):
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(url)
        name = f"rongmei_bench_search_{os.getpid()}"
        admin = psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        )
        admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name

        if args.keep:
            admin.close()
        else:

            def drop():
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.close()

    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        if not args.keep:

            def drop():
                shutil.rmtree(tmp, ignore_errors=True)

    return drop


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument(
        "--repeats", type=int, default=15, help="timed runs per query word (segmented search)"
    )
    parser.add_argument("--like-repeats", type=int, default=5, help="timed runs per query word (LIKE scan)")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--keep", action="store_true", help="keep the database (its path or name is printed)")
    parser.add_argument(
        "--reuse",
        metavar="DATABASE",
        help="measure the queries only, on a database an earlier --keep run left (PostgreSQL name or SQLite path)",
    )
    parser.add_argument(
        "--segmenter",
        choices=["auto", "jieba", "rjieba"],
        default="auto",
        help="segmenter for the full indexing (auto: rjieba when installed, as the site does)",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="segmenting processes for the full indexing (default: CPUs)"
    )
    parser.add_argument(
        "--compare-stories",
        type=int,
        default=5000,
        help="index this many stories with each segmenter, serial and parallel, before the full run (0: skip)",
    )
    args = parser.parse_args()

    drop = set_up_database(args)
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongmei.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # the settings need one (DEBUG off)
    try:
        run(args)
    finally:
        if drop is not None:
            from django.db import connections

            connections.close_all()
            drop()


def run(args):
    run_started = time.perf_counter()
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Q
    from django.utils import timezone
    from modelsearch.backends import get_search_backend
    from wagtail.models import Locale, Page

    from rongmei.newsroom.models import HomePage, SectionPage, StoryPage
    from rongmei.search import segment
    from rongmei.search.queries import search_stories
    from rongmei.search.segment import get_tokenizer, segment_for_index

    load_at_start = os.getloadavg()[0]
    started = time.perf_counter()
    get_tokenizer()  # before anything saves a page (saving indexes it, which loads the dictionary)
    dict_load_s = time.perf_counter() - started
    if args.segmenter != "auto":
        settings.RONGMEI_SEARCH_SEGMENTER = args.segmenter
    if args.workers is not None:
        settings.RONGMEI_SEARCH_INDEX_WORKERS = args.workers
    segmenter, workers = segment.segmenter_name(), segment.default_workers()
    print(
        f"segmenter: {segmenter}, {workers} segmenting process(es); {os.cpu_count()} CPUs, load average {load_at_start:.1f}",
        flush=True,
    )

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}, migrated in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    rng = random.Random(args.seed)
    started = time.perf_counter()
    stories = [make_story(rng) for _ in range(args.stories)]
    chars = sum(len(t) + len(lead) + len(body) for t, lead, body in stories)
    print(f"generated {len(stories)} stories, {chars / len(stories):.0f} chars each on average", flush=True)

    compare = {}
    index_rate = None
    if args.reuse:
        # The queries alone, on a kept bench database (--keep) of the same --stories and --seed.
        from wagtail.search.models import IndexEntry

        found = StoryPage.objects.count()
        assert found == args.stories, f"{args.reuse} has {found} stories, not {args.stories}"
        print(f"reused {found} stories and {IndexEntry.objects.count()} index entries", flush=True)
    else:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="基准融媒", slug="bench-home"))
        section = home.add_child(instance=SectionPage(title="要闻", slug="bench-yaowen"))


        # --- bulk insert: Page rows (paths computed here), then StoryPage rows ------------------------
        story_ct = ContentType.objects.get_for_model(StoryPage)
        locale_id = Locale.get_default().pk
        now = timezone.now()
        story_fields = [f for f in StoryPage._meta.local_concrete_fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in story_fields)
        placeholders = ", ".join(["%s"] * len(story_fields))
        insert_sql = f"INSERT INTO {connection.ops.quote_name(StoryPage._meta.db_table)} ({columns}) VALUES ({placeholders})"
        instances = []
        started = time.perf_counter()
        for offset in range(0, len(stories), 2000):
            chunk = stories[offset : offset + 2000]
            pages = []
            for number, (title, _lead, _body) in enumerate(chunk, start=offset + 1):
                slug = f"s{number}"
                pages.append(
                    Page(
                        title=title,
                        draft_title=title,
                        slug=slug,
                        path=Page._get_path(section.path, section.depth + 1, number),
                        depth=section.depth + 1,
                        numchild=0,
                        url_path=f"{section.url_path}{slug}/",
                        content_type=story_ct,
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=now - timezone.timedelta(minutes=len(stories) - number),
                        last_published_at=now,
                        locale_id=locale_id,
                    )
                )
            with transaction.atomic():
                created = Page.objects.bulk_create(pages)
                if created[0].pk is None:  # a database that does not return ids from bulk inserts
                    created = list(Page.objects.filter(path__in=[p.path for p in pages]).order_by("path"))
                batch = []
                for page, (title, lead, body) in zip(created, chunk, strict=True):
                    story = StoryPage(
                        page_ptr_id=page.pk, id=page.pk, title=title, lead=lead, body=body, path=page.path
                    )
                    batch.append(story)
                rows = [
                    [f.get_db_prep_save(getattr(s, f.attname), connection) for f in story_fields] for s in batch
                ]
                with connection.cursor() as cursor:
                    cursor.executemany(insert_sql, rows)
            instances.extend(batch)
        Page.objects.filter(pk=section.pk).update(numchild=len(stories))
        print(f"inserted {len(stories)} story pages in {time.perf_counter() - started:.1f} s", flush=True)
        # The generated texts and objects stay for the comparisons below: frozen out of the cyclic
        # collector's sight, or its full passes walk a million objects that no rebuild would hold.
        gc.collect()
        gc.freeze()
        if connection.vendor == "postgresql":
            # Statistics, as autovacuum would have them on a database that grew to this size: without
            # them the planner takes the million new pages for a few hundred, and reads each rebuild
            # chunk by sorting them all (2 s a chunk instead of milliseconds).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        # --- indexing through the backend ------------------------------------------------------------
        backend = get_search_backend()
        print(f"backend: {type(backend).__module__}.{type(backend).__name__}", flush=True)
        index = backend.get_index_for_model(StoryPage)
        compare = {}
        if args.compare_stories:
            # The same stories indexed four ways (entries deleted before each): what each speed-up gives.
            from wagtail.search.models import IndexEntry

            sample = instances[: args.compare_stories]
            for name in ("jieba", "rjieba"):
                if name == "rjieba" and not _has_rjieba():
                    continue
                for procs in (1, os.cpu_count() or 1):
                    settings.RONGMEI_SEARCH_SEGMENTER, settings.RONGMEI_SEARCH_INDEX_WORKERS = name, procs
                    IndexEntry.objects.all().delete()
                    started = time.perf_counter()
                    for offset in range(0, len(sample), args.batch):
                        with transaction.atomic():
                            index.add_items(StoryPage, sample[offset : offset + args.batch])
                    rate = len(sample) / (time.perf_counter() - started)
                    compare[f"index_{name}_{procs}proc_stories_per_s"] = f"{rate:.0f}"
                    print(
                        f"  {len(sample)} stories, {name}, {procs} process(es): {rate:.0f} stories/s", flush=True
                    )
            IndexEntry.objects.all().delete()
            settings.RONGMEI_SEARCH_SEGMENTER = None if args.segmenter == "auto" else args.segmenter
            settings.RONGMEI_SEARCH_INDEX_WORKERS = args.workers
        # The full run is a rebuild as `rongmei update_index` makes it: the backend's rebuilder around the
        # batches (on SQLite it pauses the recent entries' triggers and fills that table at the end; its
        # finish() is timed too). The comparison above times add_items alone, triggers included.
        # The stories are read back from the database in keyset chunks, as `rongmei update_index` does
        # (the first session-12 attempt indexed the million objects the bench had built, and slowed from
        # 800 to 450 stories/s as it went).
        from rongmei.search.management.commands.update_index import keyset_chunks

        total = len(instances)
        del instances
        started = time.perf_counter()
        rebuilder = type(backend).rebuilder_class(index)
        index = rebuilder.start()
        done = 0
        for number, chunk in enumerate(keyset_chunks(StoryPage.get_indexed_objects(), args.batch)):
            # No transaction around the chunk, as in the command: on PostgreSQL the rebuilder's writer
            # thread writes each chunk on its own connection while the next is prepared.
            index.add_items(StoryPage, chunk)
            done += len(chunk)
            if number % 20 == 19:
                print(f"  indexed {done}: {done / (time.perf_counter() - started):.0f} stories/s", flush=True)
        rebuilder.finish()
        index_s = time.perf_counter() - started
        index_rate = done / index_s
        print(f"indexed {done} stories in {index_s:.1f} s: {index_rate:.0f} stories/s", flush=True)
        assert done == total, f"indexed {done} of {total} stories"

    sample = [f"{t} {lead} {body}" for t, lead, body in stories[:2000]]
    started = time.perf_counter()
    for text in sample:
        segment_for_index(text)
    seg_rate = sum(len(t) for t in sample) / (time.perf_counter() - started)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # --- plain FTS5 without segmentation (SQLite only): what the stock backend would find ---------
    raw_fts_hits = {}
    if connection.vendor == "sqlite" and not args.reuse:  # a reused database has the table already
        with connection.cursor() as cursor:
            cursor.execute("CREATE VIRTUAL TABLE bench_raw_fts USING fts5(text)")
            cursor.executemany(
                "INSERT INTO bench_raw_fts(text) VALUES (%s)",
                [(f"{t} {lead} {body}",) for t, lead, body in stories],
            )
            for word in QUERY_WORDS:
                cursor.execute(
                    "SELECT count(*) FROM bench_raw_fts WHERE bench_raw_fts MATCH %s", [f'"{word}"']
                )
                raw_fts_hits[word] = cursor.fetchone()[0]
    del stories

    # --- query latency -----------------------------------------------------------------------------
    def segmented_page(word):
        # The public search page's query: visible stories, ranked, the count and the first page.
        results = search_stories(word)
        return results.count(), [page.pk for page in results[:20]]

    def uncapped_page(word):
        # The same search with every match ranked: what the cap on very common words saves.
        compiler = get_search_backend().query_compiler_class
        if not hasattr(compiler, "RANK_MAX_MATCHES"):
            return segmented_page(word)
        saved = compiler.RANK_MAX_MATCHES
        compiler.RANK_MAX_MATCHES = 10**9
        try:
            return segmented_page(word)
        finally:
            compiler.RANK_MAX_MATCHES = saved

    def whole_index_page(word):
        # PostgreSQL: the same search without its recent-entries index, every entry asked at once.
        from rongmei.search import postgres_backend

        saved = postgres_backend.recent_entries_bound
        postgres_backend.recent_entries_bound = lambda connection: None
        try:
            return segmented_page(word)
        finally:
            postgres_backend.recent_entries_bound = saved

    side_by_side_whole = connection.vendor == "postgresql"

    def like_page(word):
        matches = StoryPage.objects.live().filter(
            Q(title__contains=word) | Q(lead__contains=word) | Q(body__contains=word)
        )
        return matches.count(), list(
            matches.order_by("-first_published_at").values_list("pk", flat=True)[:20]
        )

    per_class = {}
    print(
        f"{'word':<6} {'class':<9} {'hits':>7} {'LIKE hits':>9} {'FTS5 raw':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'cpu p95':>8} {'all p50':>8} {'LIKE p50':>9} {'LIKE p95':>9}"
        + (f" {'whole p95':>9}" if side_by_side_whole else ""),
        flush=True,
    )
    for word, (length, frequency) in QUERY_WORDS.items():
        hits = segmented_page(word)[0]
        like_hits = like_page(word)[0] if args.like_repeats else -1
        ours_cpu = []
        ours = timed(lambda w=word: segmented_page(w), args.repeats, cpu=ours_cpu)
        like = timed(lambda w=word: like_page(w), args.like_repeats) if args.like_repeats else [float("nan")]
        uncapped = (
            timed(lambda w=word: uncapped_page(w), args.like_repeats) if args.like_repeats else [float("nan")]
        )
        whole = timed(lambda w=word: whole_index_page(w), args.repeats) if side_by_side_whole else []
        key = f"q{length}_{frequency}"
        bucket = per_class.setdefault(
            key,
            {"ours": [], "ours_cpu": [], "uncapped": [], "like": [], "whole": [], "hits": [], "like_hits": []},
        )
        bucket["whole"] += whole
        bucket["ours"] += ours
        bucket["ours_cpu"] += ours_cpu
        bucket["uncapped"] += uncapped
        bucket["like"] += like
        bucket["hits"].append(hits)
        bucket["like_hits"].append(like_hits)
        print(
            f"{word:<6} {key:<9} {hits:>7} {like_hits:>9} {raw_fts_hits.get(word, '-'):>8} "
            f"{statistics.median(ours):>8.1f} {percentile(ours, 0.95):>8.1f} {percentile(ours_cpu, 0.95):>8.1f} "
            f"{statistics.median(uncapped):>8.1f} {statistics.median(like):>9.1f} {percentile(like, 0.95):>9.1f}"
            + (f" {percentile(whole, 0.95):>9.1f}" if whole else ""),
            flush=True,
        )

    figures = {
        "db": connection.vendor,
        "stories": args.stories,
        "dict_load_s": f"{dict_load_s:.2f}",
        "segmenter": segmenter,
        "index_workers": workers,
        "index_stories_per_s": "reused" if index_rate is None else f"{index_rate:.0f}",
        **compare,
        "segment_chars_per_s": f"{seg_rate:.0f}",
    }
    for key, bucket in per_class.items():
        p50, p95 = statistics.median(bucket["ours"]), percentile(bucket["ours"], 0.95)
        like_p50 = statistics.median(bucket["like"])
        figures[f"{key}_p50_ms"] = f"{p50:.1f}"
        figures[f"{key}_p95_ms"] = f"{p95:.1f}"
        figures[f"{key}_cpu_p50_ms"] = f"{statistics.median(bucket['ours_cpu']):.1f}"
        figures[f"{key}_cpu_p95_ms"] = f"{percentile(bucket['ours_cpu'], 0.95):.1f}"
        figures[f"{key}_like_p50_ms"] = f"{like_p50:.1f}"
        figures[f"{key}_like_p95_ms"] = f"{percentile(bucket['like'], 0.95):.1f}"
        figures[f"{key}_like_over_ours_p50"] = f"{like_p50 / p50:.1f}"
        figures[f"{key}_all_ranked_p50_ms"] = f"{statistics.median(bucket['uncapped']):.1f}"
        figures[f"{key}_all_ranked_over_ours_p50"] = f"{statistics.median(bucket['uncapped']) / p50:.1f}"
        if bucket["whole"]:
            # the same searches without PostgreSQL's recent-entries index, in the same run
            whole_p95 = percentile(bucket["whole"], 0.95)
            figures[f"{key}_whole_index_p95_ms"] = f"{whole_p95:.1f}"
            figures[f"{key}_whole_index_over_ours_p95"] = f"{whole_p95 / p95:.1f}"
        figures[f"{key}_hits"] = "/".join(str(h) for h in bucket["hits"])
        figures[f"{key}_like_hits"] = "/".join(str(h) for h in bucket["like_hits"])
    if raw_fts_hits:
        figures["raw_fts5_hits_total"] = sum(raw_fts_hits.values())
    figures["load_avg_start"] = f"{load_at_start:.1f}"
    figures["load_avg_end"] = f"{os.getloadavg()[0]:.1f}"
    figures["total_min"] = f"{(time.perf_counter() - run_started) / 60:.1f}"
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
