"""Writes tricky HTML snippets, one file each, into the folder given
(`python snippets.py target/snippets`), to count with both counters:

    python bs4_count.py target/snippets/*.html > py.txt
    cargo run --release -p lesson-06-scraper --example count -- target/snippets/*.html > rs.txt
    diff py.txt rs.txt

The chapter explains the few that differ.
"""

import os
import sys

JAPANESE = ("<html><head><title>スレッドとプロセス</title></head>\n"
            "<body><p>スレッドは同じプロセスの中でメモリを共有します。"
            "プロセスはそれぞれ自分のメモリを持ちます。</p></body></html>\n")
CHINESE = ("<html><head><title>线程与进程</title></head>\n"
           "<body><p>线程在同一个进程里共享内存。每个进程都有自己的内存。</p>"
           "</body></html>\n")

d = sys.argv[1]
os.makedirs(d, exist_ok=True)
snips = {
 'cdata_in_template': b"<p><![CDATA[a&b]]></p><template><![CDATA[c]]></template>",
 'nested_pre': b"<pre><pre>  </pre>  </pre>  ",
 'textarea_tags': b"<textarea><b>  </b></textarea>",
 'unclosed_p': b"<p>a<p>  <p>b",
 'stray_br_end': b"<p> </br> </p>",
 'br_then_selfclosing': b"<br><br/> x </br> y",
 'amp_dot': b"<p>&amp. &copy2024 &#x; &#12a; &#0; &#128; &#x110000;</p>",
 'title_entity': b"<title>A &amp; B</title>",
 'cdata': b"<p><![CDATA[abc]]></p>",
 'doctypes': b"<!doctype html><!DOCTYPE x SYSTEM 'y'>a",
 'xml_pi': b"<?xml version='1.0'?><p>x</p>",
 'cond_comment': b"<!--[if IE]><p>ie</p><![endif]--><![if !IE]><p>x</p><![endif]>",
 'upper_script': b"<SCRIPT>a</Script >b<STYLE>c</STYLE>d",
 'style_selfclose': b"<style/>text",
 'template_nested': b"<template><template>a</template>b</template>c",
 'ruby_unclosed': b"<ruby>x<rt>y<rp>z</ruby>w",
 'attr_gt': b"<a b='>'>x</a><a c=\"<\">y</a>",
 'nulls': b"<p>a\x00b</p>",
 'cr_only': b"<p>a\rb\r</p>\r\r",
 'vt': b"<p>\x0b</p><p> \x0c </p>",
 'unicode_ws': "<p>\u2003</p><p>\u3000 </p>".encode(),
 'cp1251': "<meta charset=windows-1251><p>Привет</p>".encode('cp1251'),
 'latin1_c1': b"<meta charset=iso-8859-1><p>\x80\x93\xe9</p>",
 'bad_utf8_undeclared': b"<p>caf\xc3\xa9 \xff\xfe x</p>",
 'utf8_declared_bad': b"<meta charset=utf-8><p>caf\xe9</p>",
 'ascii_declared_utf8': "<meta charset=us-ascii><p>café</p>".encode(),
 'meta_http_equiv': b"<meta http-equiv=Content-Type content='text/html; charset=koi8-r'><p>\xf0\xd2\xc9</p>",
 'entity_noterm_end': b"<p>x</p>&amp",
 'lt_alone': b"a < b <3 c",
 'end_space': b"<p>a</ p>  <p>b</p>",
 'comment_dashes': b"<!-- a -- > b -->c",
 'script_comment': b"<script><!-- </script> x -->y</script>z",
 'deep_li': b"<ul>" + b"<li> item " * 50 + b"</ul>",
 'whitespace_everywhere': b"\n\n<html>\n<head>\n</head>\n<body>\n</body>\n</html>\n\n",
 'entities_ws': b"<p>&#9;&#13;&#12;</p><p>&Tab;&NewLine;</p>",
 'bom_utf16be': b"\xfe\xff" + "<p>ab</p>".encode('utf-16-be'),
 'img_end_text': b"<p>a<img src=x>  </img>b</p>",
 'iframe_noscript': b"<noscript><iframe>  <p>x</p></iframe></noscript>",
 'plaintext_xmp': b"<xmp><b>a</b></xmp><plaintext><i>b</i>",
 'select_option': b"<select><option>a<option>b</select>",
 'table_text': b"<table>x<tr>y<td>z</table>",
 'entity_in_script': b"<script>&amp;</script>&amp;",
 'semicolonless_legacy': b"<p>&ltx &gt1 &nbspy &notit; &notin; &not</p>",
 # The undeclared legacy pages of count.rs's unit tests, for the detector.
 'undeclared_euc_jp': JAPANESE.encode('euc_jp'),
 'undeclared_shift_jis': JAPANESE.encode('shift_jis'),
 'undeclared_gb2312': CHINESE.encode('gb2312'),
}
for name, data in snips.items():
    open(os.path.join(d, name + '.html'), 'wb').write(data)
