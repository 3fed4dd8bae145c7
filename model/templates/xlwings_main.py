"""Refresh handler for the workbook of the same name (xlwings' convention).

The Refresh button on the Cover and xlwings' ribbon "Run main" both run main().
It calls the same code as `python -m model refresh`.
"""
import xlwings as xw

from model.excel import refresh_book


def main():
    refresh_book(xw.Book.caller())
