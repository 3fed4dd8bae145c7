"""Ships the repository's data/*.csv inside the package (as model/data/), so an installed
`isg-model init DIR` can put them in a new folder to build in. Everything else is in
pyproject.toml."""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        dest = Path(self.build_lib) / "model" / "data"
        self.mkpath(str(dest))
        for csv in sorted((HERE / "data").glob("*.csv")):
            self.copy_file(str(csv), str(dest / csv.name))


setup(cmdclass={"build_py": BuildPyWithData})
