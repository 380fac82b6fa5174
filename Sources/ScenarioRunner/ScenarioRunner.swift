// Module ScenarioRunner.
