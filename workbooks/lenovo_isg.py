"""Refresh handler for the workbook of the same name (xlwings' convention).

The Refresh button on the Cover and xlwings' ribbon "Run main" both run main():
it saves and closes the workbook, runs the same refresh as `python -m model refresh`
on the file (new quarters included), and reopens it (model.excel.refresh_book).
"""
import xlwings as xw

from model.excel import refresh_book


def main():
    refresh_book(xw.Book.caller())
