#!/usr/bin/env python3
"""Rejoins `//===- File - summary ---===//` first lines that clang-format split
because they ran past 80 columns, refilling the dashes to exactly 80."""
import re
import sys

for path in sys.argv[1:]:
    lines = open(path).read().split('\n')
    if len(lines) < 2 or not lines[0].startswith('//===- '):
        continue
    if not re.fullmatch(r'//-*(\*- C\+\+ -\*-)?-*===//', lines[1]) and \
       not re.fullmatch(r'//-+===//', lines[1]):
        continue
    tag = ' -*- C++ -*-===//' if 'C++' in lines[0] + lines[1] else '===//'
    title = re.sub(r'\s*-*\s*(-\*- C\+\+)?\s*$', '', lines[0][len('//===- '):])
    head = '//===- ' + title + ' '
    fill = 80 - len(head) - len(tag)
    if tag == '===//':
        fill = 80 - len(head) - len('===//')
    if fill < 3:
        continue
    lines[:2] = [head + '-' * fill + tag]
    open(path, 'w').write('\n'.join(lines))
    print('fixed', path)
