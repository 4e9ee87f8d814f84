"""From a published directive (DOCX, PDF, text, Markdown) to a reviewable draft in the directive format.

Reading a file is the only I/O (:mod:`dondoc.intake.readers`); everything else is pure functions over
plain data: blocks of text (:mod:`.blocks`), the document's structure (:mod:`.structure`), the
registry's names (:mod:`.names`) and the deadline reading (:mod:`.reading`).
"""
