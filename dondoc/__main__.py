from dondoc.cli import app

app(prog_name="dondoc")
