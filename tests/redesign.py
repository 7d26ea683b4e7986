# ruff: noqa: E501  (HTML template lines read best unbroken)
"""Two redesigns of eff.org's article pages, for the redesign guard: the same Article, other markup.

`drupal10_page`: a newer Drupal theme (Olivero-like): `node--view-mode-full`, the body field without the
Drupal 7 wrappers, the title and byline inside the article's header, related issues after the body.
`plain_page`: a non-Drupal theme: no <article>, `entry-content` inside `post` wrappers, a related-posts
footer inside the post, a sidebar with a donation appeal, other header and footer.
"""

from __future__ import annotations

import datetime as dt
import html

from tests.site import EFF, Article, inline, note_html, slugify

RELATED = ["EFF Sues Over Secret Surveillance Contracts", "The Open Web Is Worth Fighting For",
           "Victory! Court Rejects Warrantless Phone Searches at the Border"]


def _inner(a: Article) -> str:
    return "\n".join([note_html(n) for n in a.notes] + [f"<p>{inline(p)}</p>" for p in a.paragraphs])


def _head(a: Article) -> str:
    e = html.escape
    return f"""<meta charset="utf-8" />
<link rel="canonical" href="{a.url}" />
<meta property="og:title" content="{e(a.title)}" />
<meta property="article:published_time" content="{a.published}T12:14:05-08:00" />
<title>{e(a.title)} | Electronic Frontier Foundation</title>"""


def drupal10_page(a: Article) -> str:
    e = html.escape
    day = dt.date.fromisoformat(a.published)
    issues = "".join(f'<div class="field__item"><a href="{e(d)}">{e(label)}</a></div>' for d, label in a.categories)
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>{_head(a)}
<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />
</head>
<body class="path-node page-node-type-{'press-release' if a.kind == 'press' else 'blog'}">
<a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>
<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
<div id="page-wrapper" class="page-wrapper"><div id="page">
  <header id="header" class="site-header" role="banner"><div class="site-header__inner">
    <div class="site-branding"><a href="/" rel="home">Electronic Frontier Foundation</a></div>
    <nav class="primary-nav" aria-label="Main"><ul class="menu menu--level-1"><li class="menu__item"><a href="/issues">Issues</a></li><li class="menu__item"><a href="/deeplinks">Deeplinks</a></li><li class="menu__item"><a href="/donate">Donate</a></li></ul></nav>
  </div></header>
  <div id="main-wrapper" class="layout-main-wrapper layout-container">
  <main id="main" class="main-content" role="main"><a id="main-content" tabindex="-1"></a>
    <div class="region region--content grid-full layout--pass--content-medium" id="content">
      <div id="block-eff-content" class="block block-system block-system-main-block">
        <article data-history-node-id="{a.node_id}" class="node node--type-blog node--promoted node--view-mode-full">
          <header class="node__header">
            <h1 class="page-title title"><span class="field field--name-title field--type-string field--label-hidden">{e(a.title)}</span></h1>
            <div class="node__meta"><span class="field field--name-uid"><a href="/about/staff/{slugify(a.byline)}">{e(a.byline)}</a></span>
              <time datetime="{a.published}T12:14:05-08:00">{day:%B} {day.day}, {day.year}</time></div>
          </header>
          <div class="node__content">
            <div class="clearfix text-content text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">
{_inner(a)}
            </div>
            <div class="field field--name-field-issue field--type-entity-reference field--label-above">
              <div class="field__label">Related Issues</div><div class="field__items">{issues}</div>
            </div>
          </div>
        </article>
      </div>
    </div>
  </main>
  </div>
  <footer class="site-footer"><div class="region region--footer"><p>Unless otherwise noted, content on this site is licensed under a Creative Commons Attribution 4.0 International License.</p><ul class="menu"><li><a href="/copyright">Copyright (CC BY)</a></li><li><a href="/policy">Privacy Policy</a></li></ul></div></footer>
</div></div>
</div>
</body>
</html>
"""


def plain_page(a: Article) -> str:
    e = html.escape
    day = dt.date.fromisoformat(a.published)
    related = "".join(f'<li><a href="{EFF}/deeplinks/2025/10/{slugify(t)}">{e(t)}</a></li>' for t in RELATED)
    return f"""<!doctype html>
<html lang="en-US">
<head>{_head(a)}
<meta name="generator" content="Static theme 3.2" />
</head>
<body class="single single-post postid-{a.node_id}">
<div id="wrapper" class="site">
  <div class="topbar"><a class="topbar-link" href="/donate">Donate</a> <a class="topbar-link" href="/join">Join</a></div>
  <div class="site-header"><div class="logo"><a href="/">EFF</a></div>
    <ul class="nav-links"><li><a href="/issues">Issues</a></li><li><a href="/deeplinks">Deeplinks</a></li><li><a href="/about">About</a></li></ul></div>
  <div class="site-content"><div class="wrap">
    <div class="content-area" id="primary">
      <div class="post post-{a.node_id} type-post status-publish hentry">
        <h1 class="entry-title">{e(a.title)}</h1>
        <div class="entry-meta">By <span class="author vcard"><a href="/about/staff/{slugify(a.byline)}">{e(a.byline)}</a></span> · <span class="posted-on">{day:%B} {day.day}, {day.year}</span></div>
        <div class="entry-content">
{_inner(a)}
        </div>
        <div class="post-footer related-posts"><h3>Related posts</h3><ul>{related}</ul></div>
      </div>
    </div>
    <div class="sidebar widget-area" id="secondary">
      <div class="widget widget_text"><h2 class="widget-title">Support our work</h2><p>EFF is member-supported and relies on people like you. Become a member today and help us defend civil liberties in the digital world.</p></div>
      <div class="widget widget_recent"><h2 class="widget-title">Recent posts</h2><ul>{related}</ul></div>
    </div>
  </div></div>
  <div class="site-footer-wrap"><p class="colophon">Content licensed under CC BY 4.0. Electronic Frontier Foundation, 815 Eddy Street, San Francisco.</p></div>
</div>
</body>
</html>
"""


THEMES = {"drupal10": drupal10_page, "plain": plain_page}
