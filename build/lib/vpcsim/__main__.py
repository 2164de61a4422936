from vpcsim.cli.main import app

app(prog_name="vpcsim")
