#!/usr/bin/env python3
"""Writes the translations of scripts/i18n/<lang>.py into translations/peerlink_<lang>.ts (after lupdate), and
gives the English file its plural forms. Exits 1 and names every string that has no translation."""
import importlib.util
import pathlib
import sys
import xml.etree.ElementTree as ET

root = pathlib.Path(__file__).resolve().parents[2]


def load(lang):
    if lang == 'en':
        return {}
    spec = importlib.util.spec_from_file_location(lang, root / 'scripts' / 'i18n' / f'{lang}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ZH


def english_plural(source):
    # "%n peer(s) connected" -> ["%n peer connected", "%n peers connected"]
    import re
    one = re.sub(r'(\w+)\(s\)', r'\1', source)
    many = re.sub(r'(\w+)\(s\)', r'\1s', source)
    return [one, many]


def fill(lang):
    path = root / 'translations' / f'peerlink_{lang}.ts'
    tree = ET.parse(path)
    table = load(lang)
    missing = []
    for message in tree.iter('message'):
        source = message.find('source').text
        translation = message.find('translation')
        numerus = message.get('numerus') == 'yes'
        if lang == 'en':
            if not numerus:
                continue  # English needs only the plural forms
            value = english_plural(source)
        elif source in table:
            value = table[source]
        else:
            missing.append(source)
            continue
        translation.attrib.pop('type', None)
        translation.text = None
        for child in list(translation):
            translation.remove(child)
        if numerus:
            for form in (value if isinstance(value, list) else [value]):
                ET.SubElement(translation, 'numerusform').text = form
        else:
            translation.text = value
    ET.indent(tree, space='    ')
    with open(path, 'wb') as f:
        f.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(f, encoding='utf-8', xml_declaration=False)
        f.write(b'\n')
    return missing


status = 0
for lang in ('en', 'zh_CN'):
    missing = fill(lang)
    for m in missing:
        print(f'{lang}: no translation for {m!r}', file=sys.stderr)
        status = 1
sys.exit(status)
